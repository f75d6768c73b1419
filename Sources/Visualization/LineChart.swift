import Foundation

/// A line chart as a self-contained SVG: axes with rounded tick values, axis labels,
/// a legend, one polyline per series. Opens in any browser; no plotting library needed.
public struct LineChart: Sendable {
    public typealias Series = ChartSeries

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

    /// Colours that stay apart, for colour-blind readers too: Okabe and Ito's seven (yellow
    /// left out: it vanishes on white), then three of Paul Tol's (wine, olive, grey), so
    /// that the ten classes of an image dataset each get their own. Every chart uses these.
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                                 "#882255", "#999933", "#999999"]

    public var svg: String {
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let frame = ChartFrame(width: width, height: height,
                               x: ChartFrame.Axis(covering: finite.map(\.x)), y: ChartFrame.Axis(covering: finite.map(\.y)))
        let n = ChartFrame.number
        var out = frame.header(title: title) + frame.axes(xLabel: xLabel, yLabel: yLabel)
        for (index, line) in series.enumerated() {
            let points = line.points.filter { $0.x.isFinite && $0.y.isFinite }
            let path = points.map { "\(n(frame.px($0.x))),\(n(frame.py($0.y)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
            for point in points where points.count <= 60 {
                out += "<circle cx=\"\(n(frame.px(point.x)))\" cy=\"\(n(frame.py(point.y)))\" r=\"2.5\" fill=\"\(line.color)\"/>\n"
            }
            out += frame.legendEntry(index, name: line.name, marker: .line(color: line.color))
        }
        return out + ChartFrame.footer
    }
}
