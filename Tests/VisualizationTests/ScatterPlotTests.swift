import Foundation
import NumericCore
import Testing
import Visualization

@Suite struct ScatterPlotTests {
    /// `count` points of a standard normal, shifted by `offset`.
    static func cloud(_ count: Int, offset: (x: Double, y: Double), seed: UInt64) -> [(x: Double, y: Double)] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (offset.x + Double(generator.nextNormal()), offset.y + Double(generator.nextNormal())) }
    }

    static let priorContours: [ScatterPlot.Ellipse] = [
        .circle(name: "1σ of N(0, I)", radius: 1),
        .circle(name: "2σ of N(0, I)", radius: 2, dash: "2 3"),
    ]

    @Test func thousandsOfPointsMakeAWellFormedCompactChart() throws {
        let plot = ScatterPlot(title: "Codings <test set>", xLabel: "z₀", yLabel: "z₁", series: [
            .init(name: "T-shirt", points: Self.cloud(2000, offset: (-1, 0), seed: 1), color: LineChart.palette[0]),
            .init(name: "Trouser", points: Self.cloud(2000, offset: (1, 0.5), seed: 2) + [(.nan, 0), (0, .infinity)],
                  color: LineChart.palette[1]),
        ], ellipses: Self.priorContours)
        let svg = plot.svg
        let document = try #require(ParsedXML(svg), "the SVG is not well-formed")
        #expect(document.elements.first?.name == "svg")
        // 4,000 dots (the non-finite points are left out) and two legend dots.
        #expect(document.elements(named: "circle").count == 4002)
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        let dashed = document.elements(named: "path").filter { $0.attributes["stroke-dasharray"] != nil }
        #expect(dashed.map { $0.attributes["stroke-dasharray"] } == ["6 4", "2 3"])
        let texts = document.texts
        for expected in ["Codings <test set>", "z₀", "z₁", "T-shirt", "Trouser", "1σ of N(0, I)", "2σ of N(0, I)", "0", "2"] {
            #expect(texts.contains(expected), "no text \(expected)")
        }
        // Coordinates carry one decimal, which keeps a dot near 40 bytes.
        let dot = try #require(document.elements(named: "circle").first)
        for key in ["cx", "cy"] {
            let value = try #require(dot.attributes[key])
            #expect(value.split(separator: ".").last?.count == 1, "\(key)=\(value)")
        }
        #expect(svg.utf8.count < 4000 * 45)
    }

    /// The pixel extent of an outline path's points.
    static func extent(of path: String) -> (width: Double, height: Double) {
        let numbers = path.split(whereSeparator: { "MLZ ".contains($0) }).compactMap { Double($0) }
        let xs = stride(from: 0, to: numbers.count, by: 2).map { numbers[$0] }
        let ys = stride(from: 1, to: numbers.count, by: 2).map { numbers[$0] }
        return (xs.max()! - xs.min()!, ys.max()! - ys.min()!)
    }

    @Test func equalAspectDrawsCirclesRound() throws {
        // Data twice as wide as tall on a chart wider than tall: unequal scales by default.
        let points: [(x: Double, y: Double)] = [(-6, -1), (6, 1), (0, 3)]
        var plot = ScatterPlot(title: "", xLabel: "x", yLabel: "y",
                               series: [.init(name: "points", points: points, color: "#000000")],
                               ellipses: [.circle(name: "unit", center: (1, 0.5), radius: 2)])
        func circleExtent() throws -> (width: Double, height: Double) {
            let document = try #require(ParsedXML(plot.svg))
            let path = try #require(document.elements(named: "path").first?.attributes["d"])
            return Self.extent(of: path)
        }
        let stretched = try circleExtent()
        #expect(abs(stretched.width - stretched.height) > 10)
        plot.equalAspect = true
        let round = try circleExtent()
        #expect(abs(round.width - round.height) < 0.5, "\(round)")
        // All points still inside the plotting area.
        let document = try #require(ParsedXML(plot.svg))
        let frame = try #require(document.elements(named: "rect").first { $0.attributes["stroke"] == "#333" })
        let left = Double(frame.attributes["x"]!)!, width = Double(frame.attributes["width"]!)!
        let top = Double(frame.attributes["y"]!)!, height = Double(frame.attributes["height"]!)!
        for dot in document.elements(named: "circle").dropLast() {
            let x = Double(dot.attributes["cx"]!)!, y = Double(dot.attributes["cy"]!)!
            #expect(x >= left && x <= left + width && y >= top && y <= top + height)
        }
    }

    @Test func rotatedEllipseKeepsItsAxes() {
        let ellipse = ScatterPlot.Ellipse(name: "e", center: (1, 2), radii: (3, 1), angle: .pi / 2)
        // Turned a quarter: the long axis is vertical.
        var plot = ScatterPlot(title: "", xLabel: "", yLabel: "", series: [], ellipses: [ellipse])
        plot.equalAspect = true
        let document = ParsedXML(plot.svg)
        let path = document?.elements(named: "path").first?.attributes["d"] ?? ""
        let extent = Self.extent(of: path)
        #expect(abs(extent.height / extent.width - 3) < 0.01, "\(extent)")
    }

    @Test func classesBecomeSeriesWithTheirOwnColours() {
        #expect(Set(LineChart.palette).count >= 10)
        let points: [(x: Double, y: Double)] = [(0, 0), (1, 1), (2, 2), (3, 3)]
        let series = ScatterPlot.classes(points: points, labels: [2, 0, 2, 9], names: (0..<10).map { "class \($0)" })
        #expect(series.map(\.name) == ["class 0", "class 2", "class 9"])
        #expect(series.map(\.points.count) == [1, 2, 1])
        #expect(series.map(\.color) == [LineChart.palette[0], LineChart.palette[2], LineChart.palette[9]])
        #expect(series[1].points.map(\.x) == [0, 2])
    }
}
