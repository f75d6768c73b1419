import Foundation

/// Grouped bars with error bars as a self-contained SVG, in the look of `LineChart`: one
/// slot per category along x (the β values of a study, say), in each slot one bar per
/// group (a likelihood, say), its height the mean over repeated runs and its error bar
/// the spread, with the runs' own values as dots, since three seeds are too few for a
/// standard deviation to say it all.
public struct BarChart: Sendable {
    /// One bar: a mean, the half-length of its error bar, and the values behind them.
    public struct Bar: Sendable {
        public var mean: Double
        public var spread: Double
        public var samples: [Double]

        public init(mean: Double, spread: Double = 0, samples: [Double] = []) {
            self.mean = mean
            self.spread = spread
            self.samples = samples
        }

        /// The mean of `samples` ± their standard deviation (divided by n − 1; 0 for one
        /// sample). Non-finite samples are left out; none left gives NaN, an empty slot.
        public init(samples: [Double]) {
            let finite = samples.filter(\.isFinite)
            let mean = finite.reduce(0, +) / Double(finite.count)
            let squares = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            self.init(mean: finite.isEmpty ? .nan : mean,
                      spread: finite.count > 1 ? (squares / Double(finite.count - 1)).squareRoot() : 0,
                      samples: finite)
        }
    }

    /// The bars of one group, one per category, in the categories' order.
    public struct Group: Sendable {
        public var name: String
        public var bars: [Bar]
        public var color: String

        public init(name: String, bars: [Bar], color: String) {
            self.name = name
            self.bars = bars
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var categories: [String]
    public var groups: [Group]
    public var width = 720.0
    public var height = 440.0

    public init(title: String, xLabel: String, yLabel: String, categories: [String], groups: [Group]) {
        precondition(groups.allSatisfy { $0.bars.count == categories.count }, "every group needs one bar per category")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.groups = groups
    }

    public var svg: String {
        let bars = groups.flatMap(\.bars).filter(\.mean.isFinite)
        // Bars grow from zero, so zero is always on the axis.
        let values: [Double] = [0] + bars.flatMap { bar -> [Double] in [bar.mean - bar.spread, bar.mean + bar.spread] + bar.samples }
        let legendWidth = ChartFrame.legendWidth(for: groups.map(\.name), chartWidth: width)
        let slot = (width - 100 - legendWidth) / Double(max(categories.count, 1))
        // Labels wider than their slot (at about 7 pixels a character) are turned by 30°,
        // and the plotting area gives up the height they then need.
        let widestLabel = Double(categories.map(\.count).max() ?? 0) * 7
        let turned = widestLabel > slot * 0.9
        let frame = ChartFrame(width: width, height: height,
                               x: ChartFrame.Axis(categories: categories.count), y: ChartFrame.Axis(covering: values),
                               legendWidth: legendWidth, bottomMargin: turned ? 60 + widestLabel * 0.5 : 60)
        let n = ChartFrame.number

        var out = frame.header(title: title) + frame.axes(xLabel: xLabel, yLabel: yLabel)
        if frame.y.range.lowerBound < 0 {
            out += "<line x1=\"\(n(frame.left))\" y1=\"\(n(frame.py(0)))\" x2=\"\(n(frame.right))\" y2=\"\(n(frame.py(0)))\" stroke=\"#333\"/>\n"
        }
        for (index, category) in categories.enumerated() {
            let x = n(frame.px(Double(index) + 0.5)), y = n(frame.bottom + 18)
            out += turned
                ? "<text transform=\"translate(\(x) \(y)) rotate(-30)\" text-anchor=\"end\">\(Markup.escape(category))</text>\n"
                : "<text x=\"\(x)\" y=\"\(y)\" text-anchor=\"middle\">\(Markup.escape(category))</text>\n"
        }
        // Bars take four fifths of a slot, split evenly between the groups.
        let barWidth = 0.8 / Double(max(groups.count, 1))
        for (groupIndex, group) in groups.enumerated() {
            for (index, bar) in group.bars.enumerated() where bar.mean.isFinite {
                let left = Double(index) + 0.1 + Double(groupIndex) * barWidth
                out += Self.bar(bar, from: left, to: left + barWidth, color: group.color, in: frame)
            }
            out += frame.legendEntry(groupIndex, name: group.name, marker: .box(color: group.color))
        }
        return out + ChartFrame.footer
    }

    /// A bar between the category positions `left` and `right`, its error bar with caps,
    /// and its samples as dots spread across the bar's middle half.
    private static func bar(_ bar: Bar, from left: Double, to right: Double, color: String, in frame: ChartFrame) -> String {
        let n = ChartFrame.number
        let x0 = frame.px(left), x1 = frame.px(right), middle = (x0 + x1) / 2
        let top = frame.py(max(bar.mean, 0)), bottom = frame.py(min(bar.mean, 0))
        var out = "<rect x=\"\(n(x0))\" y=\"\(n(top))\" width=\"\(n(x1 - x0))\" height=\"\(n(bottom - top))\" fill=\"\(color)\" fill-opacity=\"0.8\"/>\n"
        if bar.spread > 0, bar.spread.isFinite {
            let high = n(frame.py(bar.mean + bar.spread)), low = n(frame.py(bar.mean - bar.spread))
            let cap = min((x1 - x0) * 0.25, 8)
            out += "<path d=\"M\(n(middle)) \(low) V\(high) M\(n(middle - cap)) \(high) H\(n(middle + cap)) "
                + "M\(n(middle - cap)) \(low) H\(n(middle + cap))\" stroke=\"#222\" stroke-width=\"1.5\" fill=\"none\"/>\n"
        }
        let spacing = (x1 - x0) * 0.5 / Double(max(bar.samples.count, 1))
        for (index, sample) in bar.samples.enumerated() {
            let x = middle + (Double(index) - Double(bar.samples.count - 1) / 2) * spacing
            out += "<circle cx=\"\(n(x))\" cy=\"\(n(frame.py(sample)))\" r=\"2.5\" fill=\"white\" stroke=\"#222\"/>\n"
        }
        return out
    }
}
