import Foundation
import Testing
@testable import PreferCore

@Suite("Vote parser: number columns, nested paths and measured texts")
struct VoteParserNumbersTests {
    static let lengths = MeasuredField(field: "text_a", columns: ["text_a:bytes", "text_a:lines"]) { text, out in
        out[0] = Double(text.count)
        out[1] = Double(text.filter { $0 == UInt8(ascii: "\n") }.count + 1)
    }

    func parse(_ text: String, _ configure: (inout VoteParseOptions) -> Void) throws(VoteParseError) -> VoteTable {
        var options = VoteParseOptions()
        configure(&options)
        return try VoteParser.parse(text, source: "t", options: options).table
    }

    func same(_ a: [Double]?, _ b: [Double]) -> Bool {
        guard let a, a.count == b.count else { return false }
        return zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }

    @Test func numbersFromJSONLinesWithNestedPathsAndLiteralDottedKeys() throws {
        let text = """
        {"model_a":"x","model_b":"y","winner":"model_a","len_a":10,"meta":{"h":{"h1":1,"h2":2},"n":"7"},"feature_a.f":3.5}
        {"model_a":"y","model_b":"x","winner":"tie","len_a":null,"meta":{"other":[1,2],"h":[4,null,1]}}
        {"model_a":"x","model_b":"y","winner":"model_b","meta":{"h":true,"n":2e1},"feature_a.f":-1}
        """
        let table = try parse(text) { $0.numbers = ["len_a", "meta.h", "meta.n", "meta.missing", "feature_a.f"] }
        #expect(same(table.numbers["len_a"], [10, .nan, .nan]))
        #expect(same(table.numbers["meta.h"], [3, 5, 1]))
        #expect(same(table.numbers["meta.n"], [7, .nan, 20]))
        #expect(table.numbers["meta.missing"] == nil)
        #expect(same(table.numbers["feature_a.f"], [3.5, .nan, -1]))
    }

    @Test func measuredTextsInJSONAndQuotedCSV() throws {
        let jsonl = #"""
        {"model_a":"x","model_b":"y","winner":"model_a","text_a":"one\ntwo \u00e9"}
        {"model_a":"x","model_b":"y","winner":"model_a"}
        """#
        let table = try parse(jsonl) { $0.measures = [Self.lengths] }
        #expect(same(table.numbers["text_a:bytes"], [10, .nan]))
        #expect(same(table.numbers["text_a:lines"], [2, .nan]))

        let csv = "model_a,model_b,winner,text_a\nx,y,model_a,\"say \"\"hi\"\"\nthere\"\nx,y,model_b,\n"
        let fromCSV = try parse(csv) { $0.measures = [Self.lengths] }
        #expect(same(fromCSV.numbers["text_a:bytes"], [14, .nan]))
        #expect(same(fromCSV.numbers["text_a:lines"], [2, .nan]))
    }

    @Test func badValuesNameLineAndField() {
        let text = """
        {"model_a":"x","model_b":"y","winner":"model_a","len_a":1,"text_a":"t"}
        {"model_a":"x","model_b":"y","winner":"model_a","len_a":"long","text_a":"t"}
        {"model_a":"x","model_b":"y","winner":"model_a","len_a":1,"text_a":5}
        """
        do {
            _ = try parse(text) { $0.numbers = ["len_a"]; $0.measures = [Self.lengths] }
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2 && error.field == "len_a", "\(error)")
        }
        var options = VoteParseOptions()
        options.numbers = ["len_a"]
        options.measures = [Self.lengths]
        options.skipInvalid = true
        let result = try? VoteParser.parse(text, source: "t", options: options)
        #expect(result?.table.count == 1)
        #expect(result?.invalid.map(\.line) == [2, 3])
        #expect(result?.invalid.last?.field == "text_a")
        #expect(same(result?.table.numbers["text_a:bytes"], [1]))
    }

    @Test func columnsStayAlignedAcrossChunksFiltersAndMerges() throws {
        var lines: [String] = []
        for i in 0..<20_000 {
            let keep = i % 3 != 0
            let text = String(repeating: "w ", count: i % 7)
            lines.append(#"{"model_a":"m\#(i % 5)","model_b":"n\#(i % 4)","winner":"model_a","k":"\#(keep ? "y" : "n")","len_a":\#(i),"text_a":"\#(text)"}"#)
        }
        let text = lines.joined(separator: "\n")
        let table = try parse(text) {
            $0.numbers = ["len_a"]
            $0.measures = [Self.lengths]
            $0.filters = [FieldFilter(field: "k", value: "y")]
            $0.threads = 4
        }
        let kept = (0..<20_000).filter { $0 % 3 != 0 }
        #expect(same(table.numbers["len_a"], kept.map(Double.init)))
        #expect(same(table.numbers["text_a:bytes"], kept.map { Double(2 * ($0 % 7)) }))
        let single = try parse(text) {
            $0.numbers = ["len_a"]
            $0.measures = [Self.lengths]
            $0.filters = [FieldFilter(field: "k", value: "y")]
            $0.threads = 1
        }
        #expect(same(single.numbers["text_a:bytes"], table.numbers["text_a:bytes"]!))

        let even = table.filtered((0..<table.count).map { $0 % 2 == 0 })
        #expect(same(even.numbers["len_a"], stride(from: 0, to: kept.count, by: 2).map { Double(kept[$0]) }))
        var merged = table
        merged.append(contentsOf: try parse(#"{"model_a":"q","model_b":"r","winner":"tie"}"#) { _ in })
        #expect(merged.numbers["len_a"]?.count == table.count + 1)
        #expect(merged.numbers["len_a"]?.last?.isNaN == true)
        merged.append(Vote(a: "q", b: "r", outcome: .tie))
        #expect(merged.numbers["text_a:bytes"]?.count == merged.count)
    }
}
