import Foundation

/// A scatter plot as a self-contained SVG, in the look of `LineChart`: small
/// semi-transparent dots coloured by series (one series per class, say), so that dense
/// regions show darker and classes that overlap stay visible, and dashed ellipses laid
/// over them, such as the 1σ and 2σ circles of the prior N(0, I) over a latent space.
///
/// Each dot is a `<circle>` with coordinates rounded to a tenth of a pixel, about 30 bytes:
/// 10,000 points make about 300 kB of SVG.
public struct ScatterPlot: Sendable {
    public typealias Series = ChartSeries

    /// An ellipse outline in data coordinates: semi-axes `radii` turned by `angle`
    /// radians counter-clockwise from the x axis, drawn dashed.
    public struct Ellipse: Sendable {
        public var name: String
        public var center: (x: Double, y: Double)
        public var radii: (x: Double, y: Double)
        public var angle: Double
        public var color: String
        /// An SVG `stroke-dasharray`: dash and gap lengths in pixels.
        public var dash: String

        public init(name: String, center: (x: Double, y: Double), radii: (x: Double, y: Double), angle: Double = 0,
                    color: String = "#333333", dash: String = "6 4") {
            self.name = name
            self.center = center
            self.radii = radii
            self.angle = angle
            self.color = color
            self.dash = dash
        }

        /// A circle of `radius` about `center`.
        public static func circle(name: String, center: (x: Double, y: Double) = (0, 0), radius: Double,
                                  color: String = "#333333", dash: String = "6 4") -> Ellipse {
            Ellipse(name: name, center: center, radii: (radius, radius), color: color, dash: dash)
        }

        /// Points along the outline, closing where it started; enough that the polygon
        /// looks smooth at any size a chart is drawn.
        func outline(segments: Int = 96) -> [(x: Double, y: Double)] {
            let cosine = cos(angle), sine = sin(angle)
            return (0...segments).map { step in
                let t = 2 * Double.pi * Double(step) / Double(segments)
                let u = radii.x * cos(t), v = radii.y * sin(t)
                return (center.x + cosine * u - sine * v, center.y + sine * u + cosine * v)
            }
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var ellipses: [Ellipse]
    public var width = 720.0
    public var height = 520.0
    /// One data unit spans as many pixels across as up, so circles look round: what a
    /// latent space, whose axes are alike, needs.
    public var equalAspect = false
    public var pointRadius = 2.0
    public var pointOpacity = 0.45

    public init(title: String, xLabel: String, yLabel: String, series: [Series], ellipses: [Ellipse] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.ellipses = ellipses
    }

    /// One series per class: point i goes to the series of `labels[i]`, named
    /// `names[labels[i]]` and coloured from `LineChart.palette` in class order. Classes
    /// without points are left out.
    public static func classes(points: [(x: Double, y: Double)], labels: [Int], names: [String]) -> [Series] {
        precondition(points.count == labels.count, "\(points.count) points and \(labels.count) labels")
        var grouped = [[(x: Double, y: Double)]](repeating: [], count: names.count)
        for (point, label) in zip(points, labels) {
            precondition(names.indices.contains(label), "label \(label) has no name among \(names.count)")
            grouped[label].append(point)
        }
        let palette = LineChart.palette
        return names.indices.compactMap { label in
            grouped[label].isEmpty ? nil
                : Series(name: names[label], points: grouped[label], color: palette[label % palette.count])
        }
    }

    public var svg: String {
        let finite = series.map { $0.points.filter { $0.x.isFinite && $0.y.isFinite } }
        // The ellipses count towards the extent, so that a 2σ circle is never cut off.
        let extent = finite.joined() + ellipses.flatMap { $0.outline(segments: 16) }
        var frame = ChartFrame(width: width, height: height,
                               x: ChartFrame.Axis(covering: extent.map(\.x)), y: ChartFrame.Axis(covering: extent.map(\.y)),
                               legendWidth: ChartFrame.legendWidth(for: series.map(\.name) + ellipses.map(\.name), chartWidth: width))
        if equalAspect { frame.equalizeScales() }
        let n = ChartFrame.number

        var out = frame.header(title: title) + frame.axes(xLabel: xLabel, yLabel: yLabel)
        var legend = ""
        for (index, (line, points)) in zip(series, finite).enumerated() {
            out += "<g fill=\"\(line.color)\" fill-opacity=\"\(pointOpacity)\">\n"
            let radius = n(pointRadius)
            for point in points {
                out += "<circle cx=\"\(n(frame.px(point.x)))\" cy=\"\(n(frame.py(point.y)))\" r=\"\(radius)\"/>\n"
            }
            out += "</g>\n"
            legend += frame.legendEntry(index, name: line.name, marker: .dot(color: line.color))
        }
        for (index, ellipse) in ellipses.enumerated() {
            let path = ellipse.outline().enumerated().map { step, point in
                "\(step == 0 ? "M" : "L")\(n(frame.px(point.x))) \(n(frame.py(point.y)))"
            }.joined(separator: " ")
            out += "<path d=\"\(path) Z\" fill=\"none\" stroke=\"\(ellipse.color)\" stroke-width=\"1.5\" stroke-dasharray=\"\(ellipse.dash)\"/>\n"
            legend += frame.legendEntry(series.count + index, name: ellipse.name,
                                        marker: .dashedLine(color: ellipse.color, dash: ellipse.dash))
        }
        return out + legend + ChartFrame.footer
    }
}
