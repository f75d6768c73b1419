import Foundation

/// A line chart as a self-contained SVG: axes with rounded tick values, axis labels,
/// a legend, one polyline per series. Opens in any browser; no plotting library needed.
public struct LineChart {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: String

        public init(name: String, points: [(x: Double, y: Double)], color: String) {
            self.name = name
            self.points = points
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 720.0
    public var height = 440.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// Colours that stay apart for colour-blind readers (Okabe–Ito).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

    public var svg: String {
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let (xTicks, xRange) = Self.ticks(finite.map(\.x))
        let (yTicks, yRange) = Self.ticks(finite.map(\.y))
        let plot = (left: 80.0, right: width - 20, top: 40.0, bottom: height - 60)
        func px(_ x: Double) -> Double { plot.left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * (plot.right - plot.left) }
        func py(_ y: Double) -> Double { plot.bottom - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * (plot.bottom - plot.top) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(width / 2))" y="22" text-anchor="middle" font-size="15">\(Self.escape(title))</text>

        """
        for tick in xTicks {
            out += "<line x1=\"\(f(px(tick)))\" y1=\"\(f(plot.top))\" x2=\"\(f(px(tick)))\" y2=\"\(f(plot.bottom))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(f(px(tick)))\" y=\"\(f(plot.bottom + 18))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
        }
        for tick in yTicks {
            out += "<line x1=\"\(f(plot.left))\" y1=\"\(f(py(tick)))\" x2=\"\(f(plot.right))\" y2=\"\(f(py(tick)))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(f(plot.left - 8))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        out += "<rect x=\"\(f(plot.left))\" y=\"\(f(plot.top))\" width=\"\(f(plot.right - plot.left))\" height=\"\(f(plot.bottom - plot.top))\" fill=\"none\" stroke=\"#333\"/>\n"
        out += "<text x=\"\(f((plot.left + plot.right) / 2))\" y=\"\(f(height - 18))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        out += "<text transform=\"translate(18 \(f((plot.top + plot.bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        for (index, line) in series.enumerated() {
            let points = line.points.filter { $0.x.isFinite && $0.y.isFinite }
            let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
            for point in points where points.count <= 60 {
                out += "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"2.5\" fill=\"\(line.color)\"/>\n"
            }
            let legendY = plot.top + 16 + Double(index) * 18
            out += "<line x1=\"\(f(plot.right - 150))\" y1=\"\(f(legendY - 4))\" x2=\"\(f(plot.right - 126))\" y2=\"\(f(legendY - 4))\" stroke=\"\(line.color)\" stroke-width=\"2\"/>\n"
            out += "<text x=\"\(f(plot.right - 120))\" y=\"\(f(legendY))\">\(Self.escape(line.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// About five round tick values covering `values`, and the range they span.
    static func ticks(_ values: [Double]) -> ([Double], ClosedRange<Double>) {
        guard var low = values.min(), var high = values.max() else { return ([0, 1], 0...1) }
        if high - low < 1e-12 { low -= 0.5 * max(abs(low), 1e-3); high += 0.5 * max(abs(high), 1e-3) }
        let rough = (high - low) / 5
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let first = floor(low / step) * step, last = ceil(high / step) * step
        let ticks = stride(from: first, through: last + step / 2, by: step).map { $0 }
        return (ticks, first...last)
    }

    static func label(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e6 { return String(Int(value)) }
        return String(format: "%g", (value * 1e6).rounded() / 1e6)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
