import Foundation
import PreferTestSupport
import Testing

@testable import PreferCore

private func load(_ name: String) throws -> Data {
    try Fixtures.data(name)
}

private func parse(_ data: Data, source: String, options: VoteParseOptions = .init()) throws -> VoteParseResult {
    try data.withUnsafeBytes { try VoteParser.parse($0, source: source, options: options) }
}

/// Checks that two tables hold the same votes, names, value tables and columns.
private func expectSameTable(_ x: VoteTable, _ y: VoteTable, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(x.contenders == y.contenders, sourceLocation: sourceLocation)
    #expect(x.a == y.a, sourceLocation: sourceLocation)
    #expect(x.b == y.b, sourceLocation: sourceLocation)
    #expect(x.outcomes == y.outcomes, sourceLocation: sourceLocation)
    #expect(x.weights == y.weights, sourceLocation: sourceLocation)
    #expect(x.timestamps?.map(\.bitPattern) == y.timestamps?.map(\.bitPattern), sourceLocation: sourceLocation)
    #expect(x.voters?.values == y.voters?.values, sourceLocation: sourceLocation)
    #expect(x.voters == y.voters, sourceLocation: sourceLocation)
    #expect(x.categories?.values == y.categories?.values, sourceLocation: sourceLocation)
    #expect(x.categories == y.categories, sourceLocation: sourceLocation)
    #expect(x.attributes.keys.sorted() == y.attributes.keys.sorted(), sourceLocation: sourceLocation)
    for (key, column) in x.attributes {
        #expect(y.attributes[key] == column, "attribute \(key)", sourceLocation: sourceLocation)
        #expect(y.attributes[key]?.values == column.values, "attribute \(key)", sourceLocation: sourceLocation)
    }
}

private func expectError(
    _ text: String, source: String = "t.jsonl", options: VoteParseOptions = .init(),
    line: Int, field: String? = nil, message: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let result = try VoteParser.parse(text, source: source, options: options)
        Issue.record("expected an error, parsed \(result.table.count) votes", sourceLocation: sourceLocation)
    } catch {
        #expect(error == VoteParseError(source: source, line: line, field: field, message: message), sourceLocation: sourceLocation)
    }
}

@Suite("VoteParser")
struct VoteParserTests {
    // MARK: - Reference files

    @Test func basicJSONLinesAndCSVGiveTheSameTable() throws {
        let jsonl = try parse(load("arena-basic.jsonl"), source: "arena-basic.jsonl")
        let csv = try parse(load("arena-basic.csv"), source: "arena-basic.csv")
        #expect(jsonl.table.count == 2000)
        #expect(jsonl.table.contenders.count == 8)
        #expect(jsonl.rows == 2000)
        #expect(csv.rows == 2000)
        #expect(jsonl.invalidCount == 0 && jsonl.filteredOut == 0)
        #expect(jsonl.table.weights == nil && jsonl.table.voters == nil && jsonl.table.timestamps == nil)
        expectSameTable(jsonl.table, csv.table)
        // Same as building the table vote by vote.
        let first = try #require(String(data: load("arena-basic.jsonl"), encoding: .utf8)?.split(separator: "\n").first)
        let object = try #require(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: String])
        #expect(jsonl.table.vote(at: 0) == Vote(a: object["model_a"]!, b: object["model_b"]!, outcome: Outcome(label: object["winner"]!)!))
        // Forcing the format gives the same, with one thread or many.
        for threads in [1, 2, 5] {
            let forced = try parse(load("arena-basic.csv"), source: "x", options: .init(format: .csv, threads: threads))
            expectSameTable(forced.table, jsonl.table)
        }
    }

    @Test func lmarenaArrayWithFilter() throws {
        let data = try load("arena-lmarena.json")
        let objects = try #require(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let anony = objects.filter { ($0["anony"] as? Bool) == true }
        let all = try parse(data, source: "arena-lmarena.json", options: .init(fields: ["language", "turn"]))
        #expect(all.table.count == objects.count)
        #expect(all.rows == objects.count)
        #expect(all.table.voters?.count == objects.count)
        #expect(all.table.voters?[1] == objects[1]["judge"] as? String)
        #expect(all.table.timestamps?[1] == objects[1]["tstamp"] as? Double)
        #expect(all.table.attributes["language"]?[0] == objects[0]["language"] as? String)
        #expect(all.table.attributes["turn"]?[0] == "\(objects[0]["turn"] as! Int)")
        #expect(all.table.attributes.count == 2)

        let filtered = try parse(data, source: "arena-lmarena.json", options: .init(filters: [FieldFilter(parsing: "anony=true")!]))
        #expect(filtered.table.count == anony.count)
        #expect(filtered.filteredOut == objects.count - anony.count)
        #expect(filtered.rows == objects.count)
        for (row, object) in anony.enumerated() {
            let vote = filtered.table.vote(at: row)
            #expect(vote.a == object["model_a"] as? String && vote.b == object["model_b"] as? String)
            #expect(vote.outcome.label == object["winner"] as? String)
            #expect(vote.voter == object["judge"] as? String)
            #expect(vote.timestamp == object["tstamp"] as? Double)
            if vote.timestamp != object["tstamp"] as? Double { break }
        }
        let notAnony = try parse(data, source: "x", options: .init(filters: [FieldFilter(field: "anony", value: "false")]))
        #expect(notAnony.table.count == objects.count - anony.count)
    }

    @Test func invalidLinesStopAtTheFirst() throws {
        let data = try load("invalid-lines.jsonl")
        #expect(throws: VoteParseError(
            source: "invalid-lines.jsonl", line: 2, field: "winner",
            message: "winner \"modle_a\" is not one of model_a, model_b, tie, tie (bothbad)")
        ) {
            try parse(data, source: "invalid-lines.jsonl")
        }
        do {
            _ = try parse(data, source: "invalid-lines.jsonl")
        } catch let error as VoteParseError {
            #expect(error.description == "invalid-lines.jsonl:2: winner \"modle_a\" is not one of model_a, model_b, tie, tie (bothbad)")
        }
    }

    @Test(arguments: [1, 2, 4])
    func invalidLinesSkipped(threads: Int) throws {
        let result = try parse(load("invalid-lines.jsonl"), source: "invalid-lines.jsonl", options: .init(skipInvalid: true, threads: threads))
        #expect(result.table.votes == [
            Vote(a: "x", b: "y", outcome: .aWins),
            Vote(a: "y", b: "x", outcome: .bothBad),
        ])
        #expect(result.rows == 7)
        // Line 4 pits x against itself: skipped and counted, not invalid (issue 16).
        #expect(result.selfBattles == 1)
        #expect(result.invalidCount == 4)
        #expect(result.invalid.map(\.line) == [2, 3, 5, 7])
        #expect(result.invalid.map(\.field) == ["winner", "model_b", nil, nil])
        #expect(result.invalid[1].message == "missing field \"model_b\"")
        #expect(result.invalid[2].message == "not valid JSON: expected '{' at column 1")
        #expect(result.invalid[3].message == "truncated: the file ends inside a JSON object")
        var strict = VoteParseOptions(skipInvalid: true, threads: threads)
        strict.strict = true
        let refused = try parse(load("invalid-lines.jsonl"), source: "invalid-lines.jsonl", options: strict)
        #expect(refused.invalidCount == 5 && refused.selfBattles == 0)
        #expect(refused.invalid[2].message.hasPrefix("model_a and model_b are both \"x\""))
        #expect(result.invalid.allSatisfy { $0.source == "invalid-lines.jsonl" })
    }

    // MARK: - Formats

    @Test func csvQuotingAndCRLF() throws {
        let text = "model_a,winner,\"model_b\",note\r\n"
            + "\"a, inc\",model_a,b,plain\r\n"
            + "\r\n"
            + "b,tie,\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n"
            + "\"a, inc\",\"model_b\",\"say \"\"hi\"\"\",\r\n"
            + "c,tie (bothbad),b,last"
        let result = try VoteParser.parse(text, source: "q.csv", options: .init(fields: ["note"]))
        #expect(result.table.contenders == ["a, inc", "b", "say \"hi\"", "c"])
        #expect(result.table.votes.map { [$0.a, $0.b, $0.outcome.label] } == [
            ["a, inc", "b", "model_a"],
            ["b", "say \"hi\"", "tie"],
            ["a, inc", "say \"hi\"", "model_b"],
            ["c", "b", "tie (bothbad)"],
        ])
        let notes = try #require(result.table.attributes["note"])
        #expect((0..<4).map { notes[$0] } == ["plain", "two\r\nlines", nil, "last"])
        #expect(result.rows == 4)

        // Line numbers count physical lines, including those inside quotes.
        expectError(text + "\nc,bogus,b,x", source: "q.csv", line: 8, field: "winner",
                    message: "winner \"bogus\" is not one of model_a, model_b, tie, tie (bothbad)")
        expectError("model_a,model_b,winner\na,\"b\"x,tie\n", source: "q.csv", line: 2,
                    message: "not valid CSV: expected ',' or a line break after a closing quote at column 6")
        expectError("model_a,model_b,winner\na,b\"x,tie\n", source: "q.csv", line: 2,
                    message: "not valid CSV: a quote inside an unquoted field at column 4")
        expectError("model_a,model_b,winner\na,\"b,tie\n", source: "q.csv", line: 2,
                    message: "truncated: the file ends inside a quoted field")
        expectError("model_a,model_b,winner\na,b\n", source: "q.csv", line: 2, message: "expected 3 fields, found 2")
        expectError("model_a,model_b\na,b\n", source: "q.csv", line: 1, field: "winner",
                    message: "missing column \"winner\" in the CSV header")
        expectError("model_a,model_b,winner\n,b,tie\n", source: "q.csv", line: 2, field: "model_a",
                    message: "model_a must not be empty")
    }

    @Test func csvValuesAreText() throws {
        let text = "model_a,model_b,winner,weight,judge,tstamp,anony,category\n"
            + "a,b,model_a,2.5,ann,1700000000.5,True,math\n"
            + "b,a,tie,,,,true,\n"
        let all = try VoteParser.parse(text, source: "v.csv", options: .init(threads: 1))
        #expect(all.table.weights == [2.5, 1])
        #expect(all.table.voters?[0] == "ann" && all.table.voters?[1] == nil)
        #expect(all.table.categories?[0] == "math" && all.table.categories?[1] == nil)
        #expect(all.table.timestamps?[0] == 1_700_000_000.5 && all.table.timestamps?[1].isNaN == true)
        let filtered = try VoteParser.parse(text, source: "v.csv", options: .init(filters: [FieldFilter(field: "anony", value: "true")]))
        #expect(filtered.table.votes.map(\.a) == ["b"])
        expectError("model_a,model_b,winner,weight\na,b,tie,heavy\n", source: "v.csv", line: 2, field: "weight",
                    message: "weight must be a number, got \"heavy\"")
    }

    @Test func jsonEscapes() throws {
        let text = #"""
            {"model_a":"caf\u00e9","model_b":"emoji \ud83d\ude00","winner":"model_a"}
            {"model_a":"caf\u00e9","model_b":"caf\u00c9","winner":"model\u005fb"}
            {"model_a":"line\nbreak \"quoted\" back\\slash sl\/ash tab\t","model_b":"café","winner":"tie"}
            {"model\u005fa":"lone \ud800 x","model_b":"emoji 😀","winner":"tie (bothbad)","category":"\u00e9t\u00e9"}
            """#
        let result = try VoteParser.parse(text, source: "e.jsonl")
        #expect(result.table.contenders == [
            "café", "emoji 😀", "cafÉ", "line\nbreak \"quoted\" back\\slash sl/ash tab\t", "lone \u{FFFD} x",
        ])
        #expect(result.table.outcomes == [.aWins, .bWins, .tie, .bothBad])
        #expect(result.table.vote(at: 2).b == "café")
        #expect(result.table.categories?[3] == "été")
        #expect(result.table.categories?[0] == nil)

        expectError(#"{"model_a":"a\x","model_b":"b","winner":"tie"}"#, line: 1,
                    message: "not valid JSON: invalid escape in a string at column 14")
        expectError("{\"model_a\":\"a\tb\",\"model_b\":\"b\",\"winner\":\"tie\"}", line: 1,
                    message: "not valid JSON: unescaped control character in a string at column 14")
    }

    @Test func prettyArrayLineNumbers() throws {
        let text = """
            [
              {"model_a": "a", "model_b": "b", "winner": "tie", "extra": {"x": [1, 2.5e3, null, true]}},
              {
                "model_a": "a",
                "model_b": "b",
                "winner": "nope"
              },
              {
                "model_a": "a",
                "model_b" "b"
              },
              7,
              {"model_a": "b", "model_b": "a", "winner": "model_b"}
            ]

            """
        expectError(text, source: "p.json", line: 3, field: "winner",
                    message: "winner \"nope\" is not one of model_a, model_b, tie, tie (bothbad)")
        let result = try VoteParser.parse(text, source: "p.json", options: .init(skipInvalid: true))
        #expect(result.table.count == 2)
        #expect(result.rows == 5)
        #expect(result.invalid.map(\.line) == [3, 8, 12])
        #expect(result.invalid[1].message == "not valid JSON: expected ':' after a key at line 10, column 15")
        #expect(result.invalid[2].message == "expected a JSON object, found a number")

        expectError("[\n{\"model_a\":\"a\",\"model_b\":\"b\",\"winner\":\"tie\"},\n{\"model_a\":", source: "p.json", line: 3,
                    message: "truncated: the file ends inside a JSON object")
        expectError("[\n{\"model_a\":\"a\",\"model_b\":\"b\",\"winner\":\"tie\"}\n", source: "p.json", line: 3,
                    message: "truncated: the file ends inside the JSON array")
        expectError("[{\"model_a\":\"a\",\"model_b\":\"b\",\"winner\":\"tie\"}] x", source: "p.json", line: 1,
                    message: "not valid JSON: unexpected data after the array at column 48")
        #expect(try VoteParser.parse("[ ]", source: "p.json").table.isEmpty)
    }

    @Test func jsonLinesErrors() {
        expectError(#"{"model_a":1,"model_b":"b","winner":"tie"}"#, line: 1, field: "model_a", message: "model_a must be a string")
        expectError(#"{"model_a":"","model_b":"b","winner":"tie"}"#, line: 1, field: "model_a", message: "model_a must not be empty")
        expectError(#"{"model_a":"a","model_b":"b"}"#, line: 1, field: "winner", message: "missing field \"winner\"")
        expectError(#"{"model_a":"a","model_b":"b","winner":null}"#, line: 1, field: "winner", message: "winner must be a string")
        expectError(#"{"model_a":"a","model_b":"b","winner":"tie","weight":0}"#, line: 1, field: "weight",
                    message: "weight must be a number > 0, got 0")
        expectError(#"{"model_a":"a","model_b":"b","winner":"tie","weight":"2"}"#, line: 1, field: "weight",
                    message: "weight must be a number")
        expectError(#"{"model_a":"a","model_b":"b","winner":"tie","tstamp":true}"#, line: 1, field: "tstamp",
                    message: "tstamp must be a number")
        expectError(#"{"model_a":"a","model_b":"b","winner":"tie","judge":3}"#, line: 1, field: "judge",
                    message: "judge must be a string")
        expectError(#"{"model_a":"a","model_b":"b","winner":"tie"} x"#, line: 1,
                    message: "not valid JSON: expected the line to end after the object at column 46")
        expectError(#"{"model_a":"a","model_b":"b","winner":"tie","n":01}"#, line: 1,
                    message: "not valid JSON: expected ',' or '}' at column 50")
        expectError("\n\n{\"model_a\":\"a\",\n\"model_b\":\"b\",\"winner\":\"tie\"}\n", line: 3,
                    message: "not valid JSON: the line ends inside the object at column 16")
        expectError(#"{"model_a":"a","model_b":"b","winner":"tie","x":[1,{"y":tru}]}"#, line: 1,
                    message: "not valid JSON: expected a value at column 57")
    }

    // MARK: - Optional fields, filters, exclusions

    @Test func weightVoterTimestampCapture() throws {
        let text = """
            {"model_a":"a","model_b":"b","winner":"model_a"}
            {"model_a":"a","model_b":"b","winner":"model_b","weight":2.5,"judge":"j1","tstamp":1700000000.25}
            {"model_a":"b","model_b":"a","winner":"tie","weight":null,"judge":"j1","voter":"v1","tstamp":5,"timestamp":6}
            {"model_a":"b","model_b":"a","winner":"tie","voter":null,"category":"coding","timestamp":-1.5e2}
            """
        let table = try VoteParser.parse(text, source: "w.jsonl").table
        #expect(table.weights == [1, 2.5, 1, 1])
        #expect((0..<4).map { table.voters?[$0] } == [nil, "j1", "v1", nil])
        #expect(table.voters?.values == ["j1", "v1"])
        #expect(table.timestamps?[0].isNaN == true)
        #expect(Array(table.timestamps![1...]) == [1_700_000_000.25, 6, -150])
        #expect((0..<4).map { table.categories?[$0] } == [nil, nil, nil, "coding"])
        #expect(table.attributes.isEmpty)
        // Columns that never appear stay nil.
        let plain = try VoteParser.parse(#"{"model_a":"a","model_b":"b","winner":"tie","other":[{"weight":3}]}"#, source: "w.jsonl",
                                         options: .init(fields: ["missing"]))
        #expect(plain.table.weights == nil && plain.table.voters == nil && plain.table.categories == nil && plain.table.timestamps == nil)
        #expect(plain.table.attributes.isEmpty)
    }

    @Test func filtersAndExclusions() throws {
        let text = """
            {"model_a":"a","model_b":"b","winner":"model_a","lang":"en","anony":true,"turn":1}
            {"model_a":"a","model_b":"c","winner":"model_a","lang":"de","anony":"true","turn":2}
            {"model_a":"b","model_b":"c","winner":"model_b","lang":"fr","anony":true,"turn":1}
            {"model_a":"c","model_b":"b","winner":"tie","anony":false,"turn":1.0}
            {"model_a":"b","model_b":"a","winner":"tie","lang":"en","anony":null,"turn":1}
            """
        func kept(_ options: VoteParseOptions) throws -> [String] {
            let result = try VoteParser.parse(text, source: "f.jsonl", options: options)
            #expect(result.filteredOut == 5 - result.table.count)
            return result.table.votes.map { "\($0.a)\($0.b)" }
        }
        #expect(try kept(.init(filters: [FieldFilter(field: "anony", value: "true")])) == ["ab", "ac", "bc"])
        // OR within a field.
        #expect(try kept(.init(filters: [FieldFilter(field: "lang", value: "en"), FieldFilter(field: "lang", value: "fr")])) == ["ab", "bc", "ba"])
        // AND across fields; numbers compare as written.
        #expect(try kept(.init(filters: [
            FieldFilter(field: "lang", value: "en"), FieldFilter(field: "lang", value: "fr"), FieldFilter(field: "turn", value: "1"),
        ])) == ["ab", "bc", "ba"])
        #expect(try kept(.init(filters: [FieldFilter(field: "anony", value: "true"), FieldFilter(field: "turn", value: "1")])) == ["ab", "bc"])
        #expect(try kept(.init(filters: [FieldFilter(field: "turn", value: "1.0")])) == ["cb"])
        // A filter on a known field.
        #expect(try kept(.init(filters: [FieldFilter(field: "winner", value: "tie")])) == ["cb", "ba"])
        // Excluded contenders drop the row; a contender seen only in dropped rows is not in the table.
        let result = try VoteParser.parse(text, source: "f.jsonl", options: .init(excluded: ["c"]))
        #expect(result.table.votes.map { "\($0.a)\($0.b)" } == ["ab", "ba"])
        #expect(result.table.contenders == ["a", "b"])
        #expect(result.filteredOut == 3)
        // Filters apply to valid rows only.
        #expect(throws: VoteParseError.self) {
            try VoteParser.parse(text + "\n{\"model_a\":\"a\"}", source: "f.jsonl", options: .init(excluded: ["a"]))
        }
        #expect(FieldFilter(parsing: "a=b=c") == FieldFilter(field: "a", value: "b=c"))
        #expect(FieldFilter(parsing: "a=") == FieldFilter(field: "a", value: ""))
        #expect(FieldFilter(parsing: "=b") == nil)
        #expect(FieldFilter(parsing: "ab") == nil)
    }

    @Test func emptyAndBlankInputs() throws {
        for text in ["", "   \n\n", "\u{FEFF}"] {
            for format in [nil, VoteFileFormat.jsonLines, .jsonArray, .csv] {
                let result = try VoteParser.parse(text, source: "e", options: .init(format: format))
                #expect(result.table.isEmpty && result.rows == 0 && result.invalidCount == 0)
            }
        }
        let text = "\u{FEFF}{\"model_a\":\"a\",\"model_b\":\"b\",\"winner\":\"tie\"}\n  \t \n\r\n{\"model_a\":\"b\",\"model_b\":\"a\",\"winner\":\"tie\"}  \r\n\n"
        let result = try VoteParser.parse(text, source: "b.jsonl")
        #expect(result.table.count == 2 && result.rows == 2)
        expectError(text + "{\"model_a\":\"b\"}", source: "b.jsonl", line: 6, field: "model_b", message: "missing field \"model_b\"")
        let csv = try VoteParser.parse("\n  \nmodel_a,model_b,winner\n \na,b,tie\n\n", source: "b.csv")
        #expect(csv.table.count == 1 && csv.rows == 1)
        let selfBattle = try VoteParser.parse("\n  \nmodel_a,model_b,winner\n \na,b,tie\n\nb,b,tie\n", source: "b.csv")
        #expect(selfBattle.table.count == 1 && selfBattle.selfBattles == 1)
        #expect(VoteFileFormat.detect(UnsafeRawBufferPointer(start: nil, count: 0)) == .csv)
    }

    @Test func progressIsReported() throws {
        let text = String(repeating: "{\"model_a\":\"a\",\"model_b\":\"b\",\"winner\":\"tie\"}\n", count: 200_000)
        let last = LastProgress()
        var copy = text
        let result = try copy.withUTF8 { utf8 in
            try VoteParser.parse(UnsafeRawBufferPointer(utf8), source: "p", options: .init(threads: 2)) { done, total in
                last.record(done, total)
            }
        }
        #expect(result.table.count == 200_000)
        #expect(last.calls > 2)
        #expect(last.value.0 == text.utf8.count && last.value.1 == text.utf8.count)
    }

    // MARK: - Parallel parse

    /// A deterministic input with escapes, blank lines, extra fields, optional
    /// columns and a few bad rows.
    private static func generatedJSONLines(lines: Int) -> String {
        var state: UInt64 = 12345
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let names = [#"alpha"#, #"caf\u00e9"#, #"café"#, #"quo\"te"#, #"back\\slash"#, #"emoji \ud83d\ude00"#, #"tab\tname"#,
                     "m-\(0)", "m-\(1)", "m-\(2)", "m-\(3)", "m-\(4)", "m-\(5)"]
        let winners = ["model_a", "model_b", "tie", "tie (bothbad)", #"model\u005fa"#]
        var out = ""
        for i in 0..<lines {
            switch next(40) {
            case 0: out += "\n"; continue
            case 1: out += "   \t\r\n"; continue
            case 2: out += "{\"model_a\":\"x\",\"winner\":\"tie\"}\n"; continue
            case 3: out += "{not json}\n"; continue
            default: break
            }
            let a = next(names.count)
            var b = next(names.count)
            if b == a { b = (a + 1) % names.count }
            var fields = ["\"model_a\":\"\(names[a])\"", "\"model_b\":\"\(names[b])\"", "\"winner\":\"\(winners[next(winners.count)])\""]
            if next(3) == 0 { fields.append("\"weight\":\(1 + next(4)).5") }
            if next(4) == 0 { fields.append("\"judge\":\"user_\(next(50))\"") }
            if i > lines / 2 && next(3) == 0 { fields.append("\"tstamp\":\(1_700_000_000 + i)") }
            if next(5) == 0 { fields.append("\"category\":\"cat\\n\(next(7))\"") }
            if next(2) == 0 { fields.append("\"language\":\"\(["en", "de", "fr\\u00e7"][next(3)])\"") }
            if next(3) == 0 { fields.append("\"anony\":\(next(2) == 0 ? "true" : "false")") }
            if next(3) == 0 { fields.append("\"conv\":[{\"role\":\"user\",\"content\":\"hi \\\"there\\\"\"},[1,2,{\"z\":null}]]") }
            var generator = LCG(seed: UInt64(i))
            fields.shuffle(using: &generator)
            out += "{" + fields.joined(separator: next(2) == 0 ? "," : ", ") + "}\n"
        }
        return out
    }

    @Test func parallelParseMatchesSequential() throws {
        let text = Self.generatedJSONLines(lines: 4000)
        #expect(text.utf8.count > 7 * VoteParser.minimumChunkBytes)
        for options in [
            VoteParseOptions(fields: ["language", "anony", "conv"], skipInvalid: true),
            VoteParseOptions(fields: ["language"], filters: [FieldFilter(field: "anony", value: "true"), FieldFilter(field: "language", value: "en"),
                                                              FieldFilter(field: "language", value: "fr\u{e7}")],
                             excluded: ["m-3", "café"], skipInvalid: true),
        ] {
            var sequentialOptions = options
            sequentialOptions.threads = 1
            let sequential = try VoteParser.parse(text, source: "g.jsonl", options: sequentialOptions)
            #expect(sequential.table.count > (options.filters.isEmpty ? 3000 : 50))
            #expect(sequential.invalidCount > 20)
            #expect(sequential.invalid.count == 20)
            #expect(sequential.table.weights != nil && sequential.table.voters != nil && sequential.table.timestamps != nil)
            for threads in [2, 3, 7] {
                var parallelOptions = options
                parallelOptions.threads = threads
                let parallel = try VoteParser.parse(text, source: "g.jsonl", options: parallelOptions)
                expectSameTable(parallel.table, sequential.table)
                #expect(parallel.rows == sequential.rows)
                #expect(parallel.filteredOut == sequential.filteredOut)
                #expect(parallel.invalidCount == sequential.invalidCount)
                #expect(parallel.invalid == sequential.invalid)
            }
        }
        // Without skipInvalid every thread count throws the same first error.
        var errors: [VoteParseError] = []
        for threads in [1, 2, 3, 7] {
            let bad = text + "{\"model_a\":\"late\"}\n"
            do {
                _ = try VoteParser.parse(bad, source: "g.jsonl", options: .init(threads: threads))
            } catch {
                errors.append(error)
            }
        }
        #expect(errors.count == 4 && Set(errors.map(\.description)).count == 1)
    }

    @Test func parallelCSVMatchesSequential() throws {
        var csv = "model_a,model_b,winner,judge,weight\n"
        var state: UInt64 = 7
        for i in 0..<6000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            let a = Int(state >> 60), b = (a + 1 + Int((state >> 40) % 7)) % 16
            if i % 997 == 0 { csv += "\n" }
            if i % 1499 == 0 { csv += "m\(a),m\(a),tie,,\n"; continue }
            csv += "m\(a),m\(b),\(Outcome.labels[Int((state >> 20) % 4)]),\(i % 3 == 0 ? "u\(i % 11)" : ""),\(i % 5 == 0 ? "2" : "")\r\n"
        }
        let sequential = try VoteParser.parse(csv, source: "g.csv", options: .init(skipInvalid: true, threads: 1))
        #expect(sequential.selfBattles == 5 && sequential.invalidCount == 0 && sequential.table.count == 5995)
        for threads in [2, 3, 7] {
            let parallel = try VoteParser.parse(csv, source: "g.csv", options: .init(skipInvalid: true, threads: threads))
            expectSameTable(parallel.table, sequential.table)
            #expect(parallel.invalid == sequential.invalid && parallel.selfBattles == sequential.selfBattles)
        }
    }
}

/// A tiny seeded generator for shuffles in tests.
private struct LCG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}

/// The last progress report and how many there were.
private final class LastProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var last = (0, 0)
    private var count = 0

    func record(_ done: Int, _ total: Int) {
        lock.lock()
        defer { lock.unlock() }
        last = (max(last.0, done), total)
        count += 1
    }

    var value: (Int, Int) { lock.lock(); defer { lock.unlock() }; return last }
    var calls: Int { lock.lock(); defer { lock.unlock() }; return count }
}
