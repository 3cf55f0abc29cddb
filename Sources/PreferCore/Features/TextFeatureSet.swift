import Foundation

/// A user feature: the number of non-overlapping matches of a regular
/// expression in a text (ICU syntax, as `NSRegularExpression`), e.g.
/// `apology=(?i)\bsorry\b`. O(text length) per text for ordinary patterns.
public struct PatternFeature: Sendable {
    public let name: String
    public let pattern: String
    private let box: Box

    private final class Box: @unchecked Sendable {
        // NSRegularExpression is immutable after creation and safe to share across threads.
        let regex: NSRegularExpression
        init(_ regex: NSRegularExpression) { self.regex = regex }
    }

    /// A pattern feature, or an error naming the pattern when it does not compile.
    public init(name: String, pattern: String) throws(FeatureError) {
        guard FeatureError.isValidName(name) else { throw .badName(name) }
        do {
            box = Box(try NSRegularExpression(pattern: pattern))
        } catch {
            throw .badPattern(name: name, pattern: pattern, reason: "\(error)")
        }
        self.name = name
        self.pattern = pattern
    }

    /// Parses `NAME=REGEX` (the `--feature` flag).
    public init(parsing text: String) throws(FeatureError) {
        guard let eq = text.firstIndex(of: "="), eq > text.startIndex else { throw .badFlag(text) }
        try self.init(name: String(text[..<eq]), pattern: String(text[text.index(after: eq)...]))
    }

    public func count(in text: String) -> Int {
        box.regex.numberOfMatches(in: text, range: NSRange(text.startIndex..<text.endIndex, in: text))
    }

    public func count(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        count(in: String(decoding: bytes, as: UTF8.self))
    }
}

/// Which features to measure on each text, in column order: the chosen
/// built-in `TextFeature`s, then the dominant script as a `Script` code
/// (when `script` is set), then the pattern features. Used by the vote
/// parser (`VoteParseOptions.measures`) to measure texts while reading, and
/// by `ComparisonTableBuilder` for readers that hand over texts.
public struct TextFeatureSet: Sendable {
    public var builtIns: [TextFeature]
    public var script: Bool
    public var patterns: [PatternFeature]

    public init(builtIns: [TextFeature] = TextFeature.allCases, script: Bool = true, patterns: [PatternFeature] = []) {
        self.builtIns = builtIns
        self.script = script
        self.patterns = patterns
    }

    /// The name of the script column.
    public static let scriptName = "script"

    /// Column names, in order.
    public var names: [String] {
        builtIns.map(\.name) + (script ? [Self.scriptName] : []) + patterns.map(\.name)
    }

    public var count: Int { builtIns.count + (script ? 1 : 0) + patterns.count }

    /// Writes the text's `count` feature values to `out`.
    public func measure(_ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<Double>) {
        let m = TextFeatures.measure(bytes)
        var k = 0
        for feature in builtIns {
            out[k] = m[feature]
            k += 1
        }
        if script {
            out[k] = Double(m.script.rawValue)
            k += 1
        }
        if !patterns.isEmpty {
            let text = String(decoding: bytes, as: UTF8.self)
            for pattern in patterns {
                out[k] = Double(pattern.count(in: text))
                k += 1
            }
        }
    }

    /// The values for a text given as a `String`.
    public func measure(_ text: String) -> [Double] {
        var text = text
        var out = [Double](repeating: 0, count: count)
        text.withUTF8 { bytes in
            out.withUnsafeMutableBufferPointer { measure(bytes, into: $0.baseAddress!) }
        }
        return out
    }

    /// A `VoteParseOptions.measures` entry: the text field `field` measured
    /// into the number columns `"\(field):\(name)"`.
    public func measuring(_ field: String) -> MeasuredField {
        let set = self
        return MeasuredField(field: field, columns: names.map { Self.column(field, $0) }) { bytes, out in
            set.measure(bytes, into: out)
        }
    }

    /// The number column holding feature `name` of text field `field`.
    public static func column(_ field: String, _ name: String) -> String { "\(field):\(name)" }
}

/// A problem with a feature definition, with a message that says what to change.
public struct FeatureError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45 || c == 46
        }
    }

    public static func badName(_ name: String) -> FeatureError {
        FeatureError("feature name \"\(name)\" must be letters, digits, '_', '-' or '.', e.g. --feature apology='(?i)\\bsorry\\b'.")
    }

    public static func badFlag(_ text: String) -> FeatureError {
        FeatureError("--feature takes NAME=REGEX, e.g. --feature apology='(?i)\\bsorry\\b'; got \"\(text)\".")
    }

    public static func badPattern(name: String, pattern: String, reason: String) -> FeatureError {
        FeatureError("--feature \(name): \"\(pattern)\" is not a valid regular expression (\(reason)).")
    }
}
