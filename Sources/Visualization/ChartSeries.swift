/// A named set of points drawn in one colour: a line of a `LineChart`, a class of a
/// `ScatterPlot`.
public struct ChartSeries: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    public var color: String

    public init(name: String, points: [(x: Double, y: Double)], color: String) {
        self.name = name
        self.points = points
        self.color = color
    }
}
