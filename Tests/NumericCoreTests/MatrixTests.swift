import NumericCore
import Testing

@Suite struct MatrixTests {
    /// Rows copied from a temporary matrix land where asked, and the rest stay as they were.
    @Test func copiesRowsFromAnotherMatrix() {
        let target = Matrix(rows: 4, columns: 3)
        target.fill(with: -1)
        target.copy(from: Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6]), toRow: 1)
        #expect(Array(target.buffer) == [-1, -1, -1, 1, 2, 3, 4, 5, 6, -1, -1, -1])
    }
}
