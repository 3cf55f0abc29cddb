extension VoteChunk {
    /// `RowFields.presentBits` of the K-way fields (`candidates`, `ranking`).
    static var kwayBits: UInt64 { 1 << UInt64(FieldPlan.candidates) | 1 << UInt64(FieldPlan.ranking) }

    /// Validates and appends a K-way row: `candidates` (a JSON array of
    /// names, in shown order) with `winner` (the best) or `ranking` (best
    /// first, possibly partial), or a bare `ranking` of all the candidates.
    /// The optional fields, exclusions and filters work as for pairwise rows;
    /// a vote with an excluded candidate is dropped whole. O(K²) for the
    /// membership checks, with K ≤ 255.
    mutating func commitKWay() throws(RowProblem) {
        if isCSV {
            throw RowProblem(message: "K-way votes (candidates, ranking) need a JSON or JSONL file, not CSV", field: "candidates")
        }
        if row[FieldPlan.modelA] != nil || row[FieldPlan.modelB] != nil {
            throw RowProblem(
                message: "a row is either pairwise (model_a, model_b, winner) or K-way (candidates with winner or ranking), not both",
                field: row[FieldPlan.modelA] != nil ? "model_a" : "model_b")
        }
        var candidates = kway.candidateKeys
        var ranking = kway.rankingKeys
        kway.candidateKeys = []
        kway.rankingKeys = []
        candidates.removeAll(keepingCapacity: true)
        ranking.removeAll(keepingCapacity: true)
        defer {
            kway.candidateKeys = candidates
            kway.rankingKeys = ranking
        }

        let hasCandidates = row[FieldPlan.candidates] != nil
        if hasCandidates { try names(FieldPlan.candidates, into: &candidates) }
        if row[FieldPlan.ranking] != nil { try names(FieldPlan.ranking, into: &ranking) }
        var winner: Int?
        if let vw = row[FieldPlan.winner] {
            guard vw.isText else { throw RowProblem(message: "winner must be a string naming the best candidate", field: "winner") }
            guard vw.start < vw.end else { throw RowProblem(message: "winner must not be empty", field: "winner") }
            winner = nameKey(vw)
        }

        // The candidates: as listed, or the ranking's names when there is no list.
        let listField = hasCandidates ? "candidates" : "ranking"
        if !hasCandidates {
            if winner != nil {
                throw RowProblem(message: "a K-way row with a winner needs \"candidates\" (the contenders shown)", field: "candidates")
            }
            candidates.append(contentsOf: ranking)
        }
        guard candidates.count >= 2 else {
            throw RowProblem(message: "a K-way vote needs at least 2 candidates, got \(candidates.count)", field: listField)
        }
        guard candidates.count <= KWayVotes.maximumCandidates else {
            throw RowProblem(message: "a K-way vote may have at most \(KWayVotes.maximumCandidates) candidates, got \(candidates.count)", field: listField)
        }
        for i in 1..<candidates.count {
            for j in 0..<i where candidates[j] == candidates[i] {
                throw RowProblem(
                    message: "\(listField) lists \"\(nameStrings[candidates[i]])\" more than once"
                        + (hasCandidates ? "" : "; a ranking places each candidate once"),
                    field: listField)
            }
        }
        if hasCandidates {
            if row[FieldPlan.ranking] != nil {
                guard !ranking.isEmpty else {
                    throw RowProblem(message: "ranking must name at least one candidate, best first", field: "ranking")
                }
                for (i, key) in ranking.enumerated() {
                    guard candidates.contains(key) else {
                        throw RowProblem(message: "ranking names \"\(nameStrings[key])\", which is not among the candidates", field: "ranking")
                    }
                    for j in 0..<i where ranking[j] == key {
                        throw RowProblem(message: "ranking lists \"\(nameStrings[key])\" more than once; a ranking places each candidate once", field: "ranking")
                    }
                }
                if let winner, winner != ranking[0] {
                    throw RowProblem(
                        message: "winner \"\(nameStrings[winner])\" and ranking disagree: the ranking puts \"\(nameStrings[ranking[0]])\" first",
                        field: "winner")
                }
            } else if let winner {
                guard candidates.contains(winner) else {
                    throw RowProblem(message: "winner \"\(nameStrings[winner])\" is not among the candidates", field: "winner")
                }
                ranking.append(winner)
            } else {
                throw RowProblem(message: "a K-way row needs \"winner\" (the best candidate) or \"ranking\" (best first)", field: "winner")
            }
        }

        var weight: Double?
        var voter: RowFields.Value?
        var category: RowFields.Value?
        var time: Double?
        if row.presentBits & Self.optionalKnownBits != 0 {
            if let w = try number(FieldPlan.weight) {
                guard w > 0 && w.isFinite else {
                    throw RowProblem(message: "weight must be a number > 0, got \(string(row[FieldPlan.weight]!))", field: "weight")
                }
                weight = w
            }
            let judge = try optionalText(FieldPlan.judge)
            voter = try optionalText(FieldPlan.voter) ?? judge
            category = try optionalText(FieldPlan.category)
            let tstamp = try number(FieldPlan.tstamp)
            time = try number(FieldPlan.timestamp) ?? tstamp
        }

        if candidates.contains(where: { nameExcluded[$0] }) || !passesFilters() {
            filteredOut += 1
            return
        }

        let kept = kway.count
        for key in candidates {
            let place = ranking.firstIndex(of: key).map { UInt8($0 + 1) } ?? 0
            kway.appendCandidate(contenderID(key), place: place)
        }
        kway.endVote()
        kway.append(weight: weight, row: kept)
        kway.append(time: time, row: kept)
        if let voter {
            let t = text(voter)
            kway.appendVoter(t, row: kept)
        } else {
            kway.appendVoter(nil, row: kept)
        }
        if let category {
            let t = text(category)
            kway.appendCategory(t, row: kept)
        } else {
            kway.appendCategory(nil, row: kept)
        }
        for i in plan.attributes.indices {
            if let v = row[plan.attributes[i].slot], !isMissing(v) {
                let t = text(v)
                kway.appendAttribute(i, t, row: kept)
            } else {
                kway.appendAttribute(i, nil, row: kept)
            }
        }
    }

    /// The name keys of the JSON array of strings in `slot`, in order.
    private mutating func names(_ slot: Int, into keys: inout [Int]) throws(RowProblem) {
        let field = plan.names[slot]
        guard let v = row[slot] else { return }
        guard v.kind == .container, base[v.start] == UInt8(ascii: "[") else {
            throw RowProblem(message: "\(field) must be a JSON array of contender names", field: field)
        }
        // The scanner validated the array, so only its elements' kinds are checked here.
        let syntax = JSONSyntax(base: base, end: v.end, newlineIsSpace: true)
        var p = syntax.skipSpace(v.start + 1, v.end)
        if base[p] == UInt8(ascii: "]") { return }
        while p < v.end {
            guard base[p] == ByteScan.quote else {
                throw RowProblem(message: "\(field) must list contender names as strings, found \(syntax.valueName(base[p]))", field: field)
            }
            let stringEnd: Int
            let escaped: Bool
            do throws(JSONSyntax.SyntaxError) {
                (stringEnd, escaped) = try syntax.scanString(from: p + 1, limit: v.end)
            } catch {
                throw RowProblem(message: "\(field): \(error.expected)", field: field)
            }
            guard stringEnd > p + 1 else {
                throw RowProblem(message: "\(field) must not contain an empty name", field: field)
            }
            keys.append(nameKey(RowFields.Value(start: p + 1, end: stringEnd, kind: escaped ? .escapedString : .string)))
            p = syntax.skipSpace(stringEnd + 1, v.end)
            guard p < v.end else { break }
            if base[p] == ByteScan.comma {
                p = syntax.skipSpace(p + 1, v.end)
            } else {
                break  // the closing bracket
            }
        }
    }
}
