import NumericCore

/// Layers applied one after another.
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public func replica() -> any Layer { Sequential(layers.map { $0.replica() }) }

    public func replica(height: Int, of fullHeight: Int) -> any Layer {
        Sequential(layers.map { layer in
            guard let layer = layer as? any RowwiseLayer else { preconditionFailure("\(type(of: layer)) does not keep its rows") }
            return layer.replica(height: height, of: fullHeight)
        })
    }

    public func forward(_ input: Matrix) -> Matrix {
        var x = input
        for layer in layers { x = layer.forward(x) }
        return x
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix? {
        var gradient = outputGradient
        for (index, layer) in layers.enumerated().reversed() {
            let needed = index > 0 || needsInputGradient
            guard let next = layer.backward(gradient, needsInputGradient: needed) else { return nil }
            gradient = next
        }
        return gradient
    }
}
