import Foundation
import PreferTestSupport
import Testing
@testable import PreferCore

@Suite("Text features against an independent implementation of their definitions")
struct TextFeaturesTests {
    static func samples() throws -> [(id: String, text: String)] {
        String(decoding: try Fixtures.data("text-features.jsonl"), as: UTF8.self).split(separator: "\n").map {
            let object = try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
            return (String(object["id"] as! Int), object["text"] as! String)
        }
    }

    @Test func everyFeatureOfEverySampleMatches() throws {
        let expected = try Fixtures.json("text-features.expected.json")
        let samples = try Self.samples()
        #expect(samples.count > 300)
        var mismatches = 0
        for (id, text) in samples {
            let want = expected[id] as! [String: Any]
            let got = TextFeatures.measure(text)
            for feature in TextFeature.allCases {
                let value = (want[feature.name] as! NSNumber).doubleValue
                if got[feature] != value {
                    mismatches += 1
                    Issue.record("sample \(id) \(feature.name): \(got[feature]) vs \(value) in \(text.debugDescription)")
                }
            }
            #expect(got.script.name == want["script"] as? String, "sample \(id) script: \(got.script.name) in \(text.debugDescription)")
        }
        #expect(mismatches == 0)
    }

    @Test func handCountedExamples() {
        let m = TextFeatures.measure("# Plan\n\n1. Call **Bob** at 555-0100?\n- see https://x.org\n```\n# code\n```\n")
        #expect(m.headers == 1)
        #expect(m.listItems == 2)
        #expect(m.bold == 1)
        #expect(m.codeBlocks == 1)
        #expect(m.links == 1)
        #expect(m.digits == 8)
        #expect(m.questions == 1)
        #expect(m.lines == 6)
        #expect(m.refusal == false)
        #expect(TextFeatures.measure("Well. I’M SORRY, BUT no.").refusal)
        #expect(!TextFeatures.measure("Tim sorry, but").refusal)
        #expect(TextFeatures.measure("日本語のテキストです").script == .kana)
    }

    @Test func featureSetColumnsAndPatterns() throws {
        let set = TextFeatureSet(builtIns: [.lengthChars, .bold], script: true,
                                 patterns: [try PatternFeature(parsing: "sorry=(?i)\\bsorry\\b")])
        #expect(set.names == ["length_chars", "bold", "script", "sorry"])
        #expect(set.measure("Sorry, so sorry **x** sorrys") == [28, 1, Double(Script.latin.rawValue), 2])
        #expect(throws: FeatureError.self) { try PatternFeature(parsing: "bad=(") }
        #expect(throws: FeatureError.self) { try PatternFeature(parsing: "nameonly") }
        #expect(throws: FeatureError.self) { try PatternFeature(parsing: "a b=x") }
    }

    @Test func twoSidedBinomialMatchesTheFullSum() {
        for (k, n) in [(0, 1), (3, 10), (7, 10), (50, 100), (60, 100), (513, 1000), (0, 30), (30, 30)] {
            let full = min(1, 2 * min(BinomialTail.upper(max(k, n - k), n: n, p: 0.5), 1))
            let got = BinomialTail.twoSidedFair(k, n: n)
            let want = 2 * k == n ? 1 : full
            #expect(Swift.abs(got - want) < 1e-12 * max(1, want), "\(k) of \(n): \(got) vs \(want)")
        }
    }

    @Test func wilsonInterval() {
        // statsmodels proportion_confint(7, 20, method="wilson")
        let (lower, upper) = WilsonInterval.bounds(successes: 7, trials: 20)
        #expect(Swift.abs(lower - 0.18119182410108203) < 1e-12)
        #expect(Swift.abs(upper - 0.5671457233147638) < 1e-12)
    }
}
