/// Σ aᵢ·bᵢ over `count` doubles with eight independent SIMD lanes, so the sum
/// is not one long chain of dependent additions. O(count).
@inlinable @inline(__always)
func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
    var acc0 = SIMD4<Double>()
    var acc1 = SIMD4<Double>()
    var k = 0
    let a4 = UnsafeRawPointer(a)
    let b4 = UnsafeRawPointer(b)
    while k + 8 <= count {
        let x0 = a4.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Double>.self)
        let y0 = b4.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Double>.self)
        let x1 = a4.loadUnaligned(fromByteOffset: (k + 4) * 8, as: SIMD4<Double>.self)
        let y1 = b4.loadUnaligned(fromByteOffset: (k + 4) * 8, as: SIMD4<Double>.self)
        acc0 += x0 * y0
        acc1 += x1 * y1
        k += 8
    }
    var sum = (acc0 + acc1).sum()
    while k < count {
        sum += a[k] * b[k]
        k += 1
    }
    return sum
}
