import Foundation

// Criteria on K-way votes: per criterion, the candidate picked best on it.

extension CriteriaSlicer {
    /// Per criterion, the K-way rows answering it and the candidate each
    /// picked best (contender index; -1: the row's own ranking answers it, a
    /// long-format `criterion` row), plus how many K-way rows answer none.
    struct KWayPicks {
        var rows: [String: [Int32]] = [:]
        var best: [String: [Int32]] = [:]
        var missing = 0
    }

    /// The K-way rows' picks, or nil when no K-way row carries criteria.
    /// O(K-way votes + distinct objects × their size).
    static func kwayPicks(_ table: VoteTable) throws(Problem) -> KWayPicks? {
        let objects = table.kway.attributes["criteria"]
        let named = table.kway.attributes["criterion"]
        guard !table.kway.isEmpty, objects != nil || named != nil else { return nil }
        // Decode each distinct object once: criterion → candidate name (nil: skipped).
        var decoded: [[(String, String?)]] = []
        if let objects {
            for (code, text) in objects.values.enumerated() {
                do {
                    decoded.append(try parsePicks(text))
                } catch {
                    let row = objects.codes.firstIndex(of: Int32(code)) ?? 0
                    throw Problem(message: "K-way vote \(row + 1): \(error.message)")
                }
            }
        }
        var picks = KWayPicks()
        for row in 0..<table.kway.count {
            var any = false
            var fromObject: Set<String> = []
            if let objects, objects.codes[row] >= 0 {
                let candidates = table.kway.candidates(at: row)
                for (criterion, name) in decoded[Int(objects.codes[row])] {
                    fromObject.insert(criterion)
                    guard let name else { continue }
                    guard let id = table.index(of: name).map(Int32.init), candidates.contains(id) else {
                        throw Problem(message: "K-way vote \(row + 1): criteria.\(criterion) is \"\(name)\", which is not among the vote's candidates")
                    }
                    picks.rows[criterion, default: []].append(Int32(row))
                    picks.best[criterion, default: []].append(id)
                    any = true
                }
            }
            if let named, let criterion = named[row], !fromObject.contains(criterion) {
                picks.rows[criterion, default: []].append(Int32(row))
                picks.best[criterion, default: []].append(-1)
                any = true
            }
            if !any { picks.missing += 1 }
        }
        return picks
    }

    /// Pairwise slices (nil: no pairwise criteria) and K-way picks as one
    /// result: a criterion's slice holds its pairwise rows and its K-way rows
    /// (and no other K-way row), most votes first, ties by name.
    static func merge(_ pairwise: Result?, _ kway: KWayPicks, pairwiseCount: Int) -> Result? {
        var slices: [String: VoteSlice] = [:]
        for slice in pairwise?.slices ?? [] {
            var slice = slice
            slice.kwayRows = []
            slices[slice.value] = slice
        }
        for (criterion, rows) in kway.rows {
            var slice = slices[criterion] ?? VoteSlice(field: "criterion", value: criterion, rows: [], outcomes: [])
            slice.kwayRows = rows
            slice.kwayBest = kway.best[criterion]
            slices[criterion] = slice
        }
        guard !slices.isEmpty else { return nil }
        let order = slices.keys.sorted { (slices[$0]!.count, $1) > (slices[$1]!.count, $0) }
        // Pairwise rows with no criterion: all of them when only K-way rows carry criteria.
        let pairwiseMissing = pairwise?.missing ?? pairwiseCount
        return Result(slices: order.map { slices[$0]! }, missing: pairwiseMissing + kway.missing)
    }

    /// Decodes one K-way criteria object: (criterion, candidate or nil for null).
    static func parsePicks(_ text: String) throws(Problem) -> [(String, String?)] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
            throw Problem(message: "criteria must be a JSON object such as {\"aesthetics\": \"model-b\"} (per criterion, the candidate picked best), got \(trimmed.prefix(80))")
        }
        var out: [(String, String?)] = []
        for key in object.keys.sorted() {
            let value = object[key]!
            if value is NSNull {
                out.append((key, nil))
                continue
            }
            guard let name = value as? String, !name.isEmpty else {
                throw Problem(message: "criteria.\(key) must name the candidate picked best on \(key) (a string among the candidates), got \(value)")
            }
            out.append((key, name))
        }
        return out
    }
}
