/// How many elements of `a` and `b` differ in their bits (so −0 and 0 differ, and a NaN
/// equals itself), counting any difference in length as well: a failure then prints one
/// number rather than two arrays of a thousand bit patterns.
func bitDifferences(_ a: [Float], _ b: [Float]) -> Int {
    zip(a, b).count { $0.bitPattern != $1.bitPattern } + abs(a.count - b.count)
}
