import Foundation

/// The Cholesky factorisation A = L·Lᵀ of a dense symmetric positive-definite
/// matrix, and solves with it.
///
/// Column-oriented (left-looking) factorisation on a row-major n×n buffer:
/// O(n³/3) multiply-adds to factor, O(n²) per solve. Prefer's matrices are
/// Bradley–Terry Hessians (graph Laplacians made definite by a rank-one or
/// ridge term), a few hundred rows at most for dense use.
public struct Cholesky: Sendable {
    public let n: Int
    /// L, row-major, lower triangle (upper part is zero).
    @usableFromInline var l: [Double]
    /// Lᵀ, row-major, so that the backward solve also reads rows.
    @usableFromInline var lt: [Double]

    /// Factors the row-major matrix `a` (only its lower triangle is read).
    /// Returns nil if `a` is not numerically positive definite.
    public init?(_ a: [Double], n: Int) {
        precondition(a.count == n * n, "matrix must be n×n")
        self.n = n
        var l = a
        let ok = l.withUnsafeMutableBufferPointer { m -> Bool in
            for j in 0..<n {
                var d = m[j * n + j]
                for k in 0..<j { d -= m[j * n + k] * m[j * n + k] }
                guard d > 0, d.isFinite else { return false }
                let ljj = d.squareRoot()
                m[j * n + j] = ljj
                let inv = 1 / ljj
                for i in (j + 1)..<max(j + 1, n) {
                    var s = m[i * n + j]
                    let ri = i * n
                    let rj = j * n
                    for k in 0..<j { s -= m[ri + k] * m[rj + k] }
                    m[i * n + j] = s * inv
                }
                for i in 0..<j { m[i * n + j] = 0 }
            }
            return true
        }
        guard ok else { return nil }
        self.l = l
        var lt = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i { lt[j * n + i] = l[i * n + j] }
        }
        self.lt = lt
    }

    /// Solves A·x = b in place.
    @inlinable
    public func solve(_ b: inout [Double]) {
        b.withUnsafeMutableBufferPointer { solve($0) }
    }

    /// Solves A·x = b in place on a buffer of length n.
    @inlinable
    public func solve(_ x: UnsafeMutableBufferPointer<Double>) {
        let v = x.baseAddress!
        l.withUnsafeBufferPointer { m in
            let m = m.baseAddress!
            // Forward: L·y = b
            for i in 0..<n {
                let r = i * n
                v[i] = (v[i] - dot(m + r, v, i)) / m[r + i]
            }
        }
        lt.withUnsafeBufferPointer { u in
            let u = u.baseAddress!
            // Backward: Lᵀ·x = y
            var i = n - 1
            while i >= 0 {
                let r = i * n
                v[i] = (v[i] - dot(u + r + i + 1, v + i + 1, n - i - 1)) / u[r + i]
                i -= 1
            }
        }
    }

    /// A⁻¹, row-major (n solves).
    public func inverse() -> [Double] {
        var inv = [Double](repeating: 0, count: n * n)
        var column = [Double](repeating: 0, count: n)
        for j in 0..<n {
            for i in 0..<n { column[i] = i == j ? 1 : 0 }
            solve(&column)
            for i in 0..<n { inv[i * n + j] = column[i] }
        }
        return inv
    }

    /// log det A = 2 Σ log L_ii.
    public var logDeterminant: Double {
        (0..<n).reduce(0) { $0 + 2 * Foundation.log(l[$1 * n + $1]) }
    }
}
