import Foundation

/// What every SVG chart of the package shares, so that they look alike and compute their
/// ticks one way: the canvas and title, the plotting area with its two axes, grid lines
/// at round tick values, axis labels, and legend entries.
struct ChartFrame {
    /// One axis: its round tick values, the data range the plotting area spans, and the
    /// step between ticks (kept so that a widened range can be ticked alike).
    struct Axis {
        var ticks: [Double]
        var range: ClosedRange<Double>
        var step: Double

        /// About five round ticks covering the finite `values`.
        init(covering values: [Double]) {
            let finite = values.filter(\.isFinite)
            guard var low = finite.min(), var high = finite.max() else {
                self.init(ticks: [0, 0.5, 1], range: 0...1, step: 0.5)
                return
            }
            if high - low < 1e-12 { low -= 0.5 * max(abs(low), 1e-3); high += 0.5 * max(abs(high), 1e-3) }
            let rough = (high - low) / 5
            let magnitude = pow(10, floor(log10(rough)))
            let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
            let first = floor(low / step) * step, last = ceil(high / step) * step
            let ticks = stride(from: first, through: last + step / 2, by: step).map { $0 }
            self.init(ticks: ticks, range: first...last, step: step)
        }

        /// Positions 0..<count without ticks: the slots of a categorical axis.
        init(categories count: Int) {
            self.init(ticks: [], range: 0...Double(max(count, 1)), step: 1)
        }

        init(ticks: [Double], range: ClosedRange<Double>, step: Double) {
            self.ticks = ticks
            self.range = range
            self.step = step
        }

        var span: Double { range.upperBound - range.lowerBound }

        /// Widens the range about its centre to `span`, ticked at the same step.
        mutating func widen(toSpan newSpan: Double) {
            guard newSpan > span else { return }
            let centre = (range.lowerBound + range.upperBound) / 2
            range = (centre - newSpan / 2)...(centre + newSpan / 2)
            let first = ceil(range.lowerBound / step - 1e-9), last = floor(range.upperBound / step + 1e-9)
            ticks = stride(from: first, through: last, by: 1).map { $0 * step }
        }
    }

    /// How a legend entry shows its series.
    enum LegendMarker {
        case line(color: String)
        case dashedLine(color: String, dash: String)
        case dot(color: String)
        case box(color: String)
    }

    var width: Double
    var height: Double
    /// The plotting area, in pixels from the top left corner.
    var left: Double, right: Double, top: Double, bottom: Double
    var x: Axis
    var y: Axis
    /// True when the legend stands to the right of the plotting area rather than inside
    /// its top right corner.
    var legendOutside: Bool

    /// A frame whose plotting area leaves room for tick labels on the left, the axis label
    /// below (`bottomMargin`), and an outside legend of `legendWidth` on the right (none for 0).
    init(width: Double, height: Double, x: Axis, y: Axis, legendWidth: Double = 0, bottomMargin: Double = 60) {
        self.width = width
        self.height = height
        self.x = x
        self.y = y
        left = 80
        right = width - 20 - legendWidth
        top = 40
        bottom = height - bottomMargin
        legendOutside = legendWidth > 0
    }

    /// Room for a legend beside the plot holding `names`: the longest name at about 7
    /// pixels a character, the marker, and gaps; at most a third of the chart.
    static func legendWidth(for names: [String], chartWidth: Double) -> Double {
        let longest = names.map(\.count).max() ?? 0
        return min(Double(longest) * 7 + 50, chartWidth / 3)
    }

    /// The horizontal pixel of the data value `value`.
    func px(_ value: Double) -> Double { left + (value - x.range.lowerBound) / x.span * (right - left) }
    /// The vertical pixel of the data value `value` (pixels grow downwards).
    func py(_ value: Double) -> Double { bottom - (value - y.range.lowerBound) / y.span * (bottom - top) }

    /// Widens one axis's range so that a data unit spans as many pixels on both axes: a
    /// circle in the data is round on the screen.
    mutating func equalizeScales() {
        let unitsPerPixel = max(x.span / (right - left), y.span / (bottom - top))
        x.widen(toSpan: unitsPerPixel * (right - left))
        y.widen(toSpan: unitsPerPixel * (bottom - top))
    }

    /// The opening `<svg>` tag, a white background and the title.
    func header(title: String) -> String {
        let n = Self.number
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(n(width / 2))" y="22" text-anchor="middle" font-size="15">\(Markup.escape(title))</text>

        """
    }

    /// Grid lines and labels at the ticks, the plotting area's border and the axis labels.
    func axes(xLabel: String, yLabel: String) -> String {
        let n = Self.number
        var out = ""
        for tick in x.ticks {
            out += "<line x1=\"\(n(px(tick)))\" y1=\"\(n(top))\" x2=\"\(n(px(tick)))\" y2=\"\(n(bottom))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(n(px(tick)))\" y=\"\(n(bottom + 18))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
        }
        for tick in y.ticks {
            out += "<line x1=\"\(n(left))\" y1=\"\(n(py(tick)))\" x2=\"\(n(right))\" y2=\"\(n(py(tick)))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(n(left - 8))\" y=\"\(n(py(tick) + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        out += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(right - left))\" height=\"\(n(bottom - top))\" fill=\"none\" stroke=\"#333\"/>\n"
        out += "<text x=\"\(n((left + right) / 2))\" y=\"\(n(height - 18))\" text-anchor=\"middle\">\(Markup.escape(xLabel))</text>\n"
        out += "<text transform=\"translate(18 \(n((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(Markup.escape(yLabel))</text>\n"
        return out
    }

    /// The `index`th legend entry: a marker and the series' name.
    func legendEntry(_ index: Int, name: String, marker: LegendMarker) -> String {
        let n = Self.number
        let markerLeft = legendOutside ? right + 16 : right - 150
        let baseline = top + 16 + Double(index) * 18, middle = baseline - 4
        let line = "x1=\"\(n(markerLeft))\" y1=\"\(n(middle))\" x2=\"\(n(markerLeft + 24))\" y2=\"\(n(middle))\""
        var out: String
        switch marker {
        case .line(let color):
            out = "<line \(line) stroke=\"\(color)\" stroke-width=\"2\"/>\n"
        case .dashedLine(let color, let dash):
            out = "<line \(line) stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"\(dash)\"/>\n"
        case .dot(let color):
            out = "<circle cx=\"\(n(markerLeft + 12))\" cy=\"\(n(middle))\" r=\"4\" fill=\"\(color)\"/>\n"
        case .box(let color):
            out = "<rect x=\"\(n(markerLeft + 5))\" y=\"\(n(middle - 6))\" width=\"14\" height=\"12\" fill=\"\(color)\"/>\n"
        }
        out += "<text x=\"\(n(markerLeft + 30))\" y=\"\(n(baseline))\">\(Markup.escape(name))</text>\n"
        return out
    }

    static let footer = "</svg>\n"

    /// A pixel coordinate with one decimal, as `%.1f` writes it (ties aside) but without
    /// Foundation's formatter, which is slow for the thousands of points of a scatter plot.
    static func number(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return String(format: "%.1f", value) }
        let tenths = Int((value * 10).rounded())
        let magnitude = tenths.magnitude
        return "\(tenths < 0 ? "-" : "")\(magnitude / 10).\(magnitude % 10)"
    }

    /// A tick value as a reader writes it: 2 rather than 2.0, 0.25 rather than 0.250000001.
    static func label(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e6 { return String(Int(value)) }
        return String(format: "%g", (value * 1e6).rounded() / 1e6)
    }
}
