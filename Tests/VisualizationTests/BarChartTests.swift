import Foundation
import Testing
import Visualization

@Suite struct BarChartTests {
    @Test func barsFromSamplesTakeMeanAndStandardDeviation() {
        let bar = BarChart.Bar(samples: [1, 2, 3])
        #expect(bar.mean == 2 && bar.spread == 1 && bar.samples == [1, 2, 3])
        let single = BarChart.Bar(samples: [5, .nan])
        #expect(single.mean == 5 && single.spread == 0 && single.samples == [5])
        #expect(BarChart.Bar(samples: []).mean.isNaN)
    }

    static func chart(categories: [String], groups: [BarChart.Group]) -> BarChart {
        BarChart(title: "Fréchet distance & β", xLabel: "β", yLabel: "Fréchet distance", categories: categories, groups: groups)
    }

    /// The bars (not the legend's boxes) of a parsed chart, left to right.
    static func bars(_ document: ParsedXML) -> [ParsedXML.Element] {
        document.elements(named: "rect").filter { $0.attributes["fill-opacity"] == "0.8" }
    }

    @Test func groupedBarsWithErrorBarsAndLegend() throws {
        let chart = Self.chart(categories: ["0.5", "1", "4"], groups: [
            .init(name: "mse", bars: [.init(samples: [1, 1.2, 0.8]), .init(samples: [2, 2, 2]), .init(mean: 4, spread: 0.5)],
                  color: "#0072B2"),
            .init(name: "bernoulli", bars: [.init(samples: [3, 3.3, 2.7]), .init(samples: [.nan]), .init(samples: [1])],
                  color: "#D55E00"),
        ])
        let document = try #require(ParsedXML(chart.svg), "the SVG is not well-formed")
        let texts = document.texts
        for expected in ["Fréchet distance & β", "β", "Fréchet distance", "0.5", "1", "4", "mse", "bernoulli", "0"] {
            #expect(texts.contains(expected), "no text \(expected)")
        }
        // Five bars: the missing value leaves its slot empty. Legend: two boxes.
        let bars = Self.bars(document)
        #expect(bars.count == 5)
        #expect(document.elements(named: "rect").filter { $0.attributes["width"] == "14" }.count == 2)
        // Heights grow from zero in proportion to the means: 1, 2, 4 for the first group.
        let heights = bars.map { Double($0.attributes["height"]!)! }
        #expect(abs(heights[1] / heights[0] - 2) < 0.01 && abs(heights[2] / heights[0] - 4) < 0.01)
        // Error bars where the spread is not zero (three of them), and one dot per sample.
        #expect(document.elements(named: "path").count == 3)
        #expect(document.elements(named: "circle").count == 3 + 3 + 3 + 1)
        // Within a slot, the groups' bars stand side by side.
        let lefts = bars.map { Double($0.attributes["x"]!)! }
        #expect(lefts[0] < lefts[3] && lefts[3] < lefts[1])
    }

    @Test func longCategoryLabelsAreTurned() throws {
        let categories = (1...8).map { "β = \($0), dense, bernoulli" }
        let chart = Self.chart(categories: categories, groups: [
            .init(name: "FD", bars: categories.indices.map { .init(mean: Double($0)) }, color: "#009E73"),
        ])
        let document = try #require(ParsedXML(chart.svg))
        let turned = document.elements(named: "text").filter { $0.attributes["transform"]?.contains("rotate(-30)") == true }
        #expect(turned.count == 8)
    }

    @Test func negativeMeansHangBelowAZeroLine() throws {
        let chart = Self.chart(categories: ["a", "b"], groups: [
            .init(name: "change", bars: [.init(mean: -2), .init(mean: 1)], color: "#000000"),
        ])
        let document = try #require(ParsedXML(chart.svg))
        let bars = Self.bars(document)
        let tops = bars.map { Double($0.attributes["y"]!)! }, heights = bars.map { Double($0.attributes["height"]!)! }
        // The negative bar starts where the positive one ends: at zero.
        #expect(abs(tops[0] - (tops[1] + heights[1])) < 0.11)
        #expect(abs(heights[0] / heights[1] - 2) < 0.01)
        #expect(document.texts.contains("-2"))
    }
}
