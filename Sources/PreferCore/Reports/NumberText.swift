import Foundation

// Numbers for people to read, one definition for every report, the
// command-line tool and the server's pages, so that 3,000 votes read alike
// everywhere: thousands grouped with commas, no unrounded floats, no "nan".

/// A whole number with its thousands grouped: "3,000", "-12,345".
public func grouped(_ n: Int) -> String {
    guard n >= 0 else { return "-" + grouped(-n) }
    let digits = String(n)
    var out = ""
    for (k, ch) in digits.reversed().enumerated() {
        if k > 0 && k % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return String(out.reversed())
}

/// A number for a person to read in a sentence: whole numbers as such
/// (grouped), others to four significant digits with no trailing zeros
/// ("0.0375", not "0.037500000000000006"), never "nan".
public func readable(_ x: Double) -> String {
    guard x.isFinite else { return x.isNaN ? "not a number" : (x > 0 ? "∞" : "−∞") }
    if x == x.rounded() && Swift.abs(x) < 1e15 { return grouped(Int(x)) }
    if Swift.abs(x) >= 1000 { return String(format: "%.1f", x) }
    return String(format: "%.4g", x)
}

/// "1 Newton iteration", "12 Newton iterations", "3,000 votes".
public func counted(_ n: Int, _ noun: String) -> String {
    "\(grouped(n)) \(noun)\(n == 1 ? "" : "s")"
}

/// `x` with `digits` decimals: "1012.3".
public func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

/// A p-value for people: "3.2e-07", "0.012".
public func sci(_ p: Double) -> String {
    if p >= 0.001 { return String(format: "%.3g", p) }
    return String(format: "%.1e", p)
}
