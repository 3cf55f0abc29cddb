import Foundation
import PreferCore

/// `/admin/arenas/{arena}/audit`: the vote audit of an arena for admins —
/// what the audit found, the effect of leaving the flagged and excluded
/// annotators out (the leaderboard with every vote against the published
/// one), and per annotator the evidence (the signals that flagged them, in
/// plain words, and their numbers per signal) with the actions keep /
/// exclude / let the audit decide.
///
/// Rendered from `AuditDocument`, the body of `GET /api/arenas/{arena}/audit`.
/// Like the admin page, the page needs no key to load: without one it is a
/// shell (401) that `prefer.js` fills by asking for the same address with
/// the key kept in the tab (`Authorization: Bearer`), then shows the page
/// the server rendered for that key. The action forms are sent by
/// `prefer.js` to the decision API (`PUT …/voters/{voter}/decision`), which
/// needs an admin key; a viewer's page shows no actions. Voter names and
/// contender names are untrusted text: they enter only through `HTML`'s
/// escaping interpolation, as text (never in attributes, but for the
/// decision address, percent-encoded).
struct AuditPage {
    var document: AuditDocument
    /// Whether the key may decide about annotators (admin or owner).
    var canDecide: Bool
    /// The key's name and role, said on the page.
    var keyName: String
    var role: Role

    /// Signals in the order the page lists them, with their labels.
    static let signals: [(key: String, label: String)] = [
        ("consensus", "Disagreement with the consensus"),
        ("position", "Position bias"),
        ("speed", "Speed"),
        ("volume_daily", "Votes per day"),
        ("concentration", "Concentration on one contender"),
        ("gold", "Gold battles"),
        ("coordinated", "Coordinated group"),
        ("sequential", "LMArena's sequential test (reported, not used)"),
    ]

    static func label(_ signal: String) -> String {
        signals.first { $0.key == signal }?.label ?? signal
    }

    static func address(_ arena: String) -> String {
        "/admin/arenas/\(arena)/audit"
    }

    func render() -> HTML {
        let d = document
        let body: HTML = """
        <main id="main" class="wide audit" data-arena="\(d.arena)" data-title="Vote audit · \(d.arena) · Prefer">
        <h1>Vote audit · \(d.arena)</h1>
        <p class="note">Audit of the votes behind the <a href="/arenas/\(d.arena)/leaderboard">leaderboard</a>, computed \(LeaderboardPage.time(d.computedAt))\(d.stale ? " (newer votes are being added; reload in a moment)" : ""). \
        Signed in with the key <strong>\(keyName)</strong> (\(role.rawValue))\(canDecide ? "" : ": it can read the audit; deciding about annotators needs an admin key").</p>
        <p class="actions"><a class="button" href="/api/arenas/\(d.arena)/audit">JSON</a> <a class="button" href="/api/arenas/\(d.arena)/audit?voters=all">JSON with every voter</a> <a class="button" href="/admin">Admin</a></p>
        <div id="audit-status" class="status" role="status" aria-live="polite"></div>
        \(summary())
        \(effect())
        \(voters())
        \(decisions())
        </main>
        """
        return PageLayout.page(title: "Vote audit · \(d.arena)", body: body, page: "audit")
    }

    /// The page without the audit: no key was sent (the script loads the
    /// page again with the key kept in this tab), with a form for the key.
    static func shell(arena: String) -> HTML {
        let body: HTML = """
        <main id="main" class="narrow audit" data-arena="\(arena)" data-title="Vote audit · \(arena) · Prefer">
        <h1>Vote audit · \(arena)</h1>
        <noscript><p class="notice error">The audit page needs JavaScript to send your key. The same audit is at <code>GET /api/arenas/\(arena)/audit</code> with <code>Authorization: Bearer KEY</code>.</p></noscript>
        <p class="notice" id="audit-loading">The audit needs a key with the viewer role or above. Loading it with the key kept in this tab…</p>
        <form id="key-form" class="row-form">
        <label for="admin-key">Key</label>
        <input id="admin-key" name="admin-key" type="password" autocomplete="off" spellcheck="false" required>
        <button type="submit" class="button primary">Use this key</button>
        </form>
        <div id="audit-status" class="status" role="status" aria-live="polite"></div>
        </main>
        """
        return PageLayout.page(title: "Vote audit · \(arena)", body: body, page: "audit")
    }

    // MARK: Sections

    func summary() -> HTML {
        let d = document
        guard let s = d.summary else {
            return "<p class=\"notice\">\(d.note ?? "The audit has not run.")</p>"
        }
        var lines: [HTML] = []
        lines.append("<li>\(counted(s.voters, "voter")) audited, <strong>\(grouped(s.votersFlagged)) flagged</strong>: \(fixed(100 * s.shareAuthentic, 2))% judged authentic.</li>")
        var removed = "\(counted(s.votes, "vote")) read, \(grouped(s.votesRemoved)) left out by the audit (\(grouped(s.votesByFlaggedVoters)) by flagged voters"
        let content = s.votesFilteredByContent.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        if !content.isEmpty { removed += ", " + content.map { "\(grouped($0.value)) by the \($0.key) filter" }.joined(separator: ", ") }
        if s.votesDownsampled > 0 { removed += ", \(grouped(s.votesDownsampled)) down-sampled from over-represented prompts" }
        removed += "), \(grouped(s.votesKept)) kept."
        lines.append("<li>\(removed)</li>")
        if s.votesWithoutVoter > 0 {
            lines.append("<li>\(counted(s.votesWithoutVoter, "vote")) carry no voter and were not audited.</li>")
        }
        let by = s.flaggedBy.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        if !by.isEmpty {
            lines.append("<li>Flagged by: \(by.map { "\(Self.label($0.key)) \(grouped($0.value))" }.joined(separator: ", ")).</li>")
        }
        lines.append("<li>Statistical flags at a false-discovery rate of \(readable(s.falseDiscoveryRate)); LMArena's sequential test would flag \(counted(s.lmarenaSequentialFlags, "voter")) (reported for comparison, not used).</li>")
        let off = d.signals.filter { $0.value.hasPrefix("not available") }.sorted { $0.key < $1.key }
        if !off.isEmpty {
            lines.append("<li>Signals without data: \(off.map { "\($0.key) (\($0.value))" }.joined(separator: "; ")).</li>")
        }
        var groups: HTML = .empty
        if !d.groups.isEmpty {
            let items = HTML.joined(d.groups.map { g in
                "<li>Group \(g.id + 1): \(counted(g.voters.count, "voter")) \(g.direction) <strong>\(g.contender)</strong>: \(g.voters.joined(separator: ", "))</li>"
            })
            groups = "<h3>Coordinated groups</h3><ul>\(items)</ul>"
        }
        return """
        <section class="card" aria-labelledby="summary-heading">
        <h2 id="summary-heading">What the audit found</h2>
        <ul class="audit-summary">\(HTML.joined(lines))</ul>
        \(groups)
        </section>
        """
    }

    func effect() -> HTML {
        let e = document.effect
        guard !e.contenders.isEmpty else { return .empty }
        func signed(_ x: Double?) -> String {
            guard let x else { return "—" }
            let text = fixed(Swift.abs(x), 1)
            return text == "0.0" ? "0.0" : (x > 0 ? "+" : "−") + text
        }
        func places(_ n: Int?) -> String {
            guard let n else { return "—" }
            return n == 0 ? "0" : n > 0 ? "▲ \(n)" : "▼ \(-n)"
        }
        let rows = HTML.joined(e.contenders.map { row in
            """
            <tr>
            <th scope="row" class="name">\(row.name)</th>
            <td class="num">\(row.rankAllVotes.map(String.init) ?? "—")</td>
            <td class="num">\(row.ratingAllVotes.map { fixed($0, 1) } ?? "—")</td>
            <td class="num strong">\(row.rank.map(String.init) ?? "left out")</td>
            <td class="num strong">\(row.rating.map { fixed($0, 1) } ?? "—")</td>
            <td class="num rank-change">\(places(row.rankChange))</td>
            <td class="num rating-change">\(signed(row.ratingChange))</td>
            </tr>
            """
        })
        let left = e.votesAll - e.votesCounted
        return """
        <section class="card" aria-labelledby="effect-heading">
        <h2 id="effect-heading">Effect on the leaderboard</h2>
        <p class="effect-note">The published leaderboard counts \(grouped(e.votesCounted)) of \(counted(e.votesAll, "vote")): \(counted(left, "vote")) of flagged or excluded annotators left out (annotators marked keep are counted).</p>
        <div class="table-wrap">
        <table class="board compact">
        <caption class="visually-hidden">Ranks and ratings with every vote and as published</caption>
        <thead><tr><th scope="col">Contender</th><th scope="col" class="num">Rank, every vote</th><th scope="col" class="num">Rating, every vote</th><th scope="col" class="num">Rank, published</th><th scope="col" class="num">Rating, published</th><th scope="col" class="num">Rank change</th><th scope="col" class="num">Rating change</th></tr></thead>
        <tbody>
        \(rows)
        </tbody>
        </table>
        </div>
        </section>
        """
    }

    /// At most this many annotators have a card; the JSON lists them all.
    static let cardLimit = 200

    func voters() -> HTML {
        let d = document
        guard d.available else { return .empty }
        var cards = HTML.joined(d.voters.prefix(Self.cardLimit).map(voterCard))
        if d.voters.count > Self.cardLimit {
            cards += "<p class=\"notice\">\(counted(d.voters.count - Self.cardLimit, "more annotator")) not shown here (the least certain flags); <a href=\"/api/arenas/\(d.arena)/audit\">the JSON</a> lists them all.</p>"
        }
        let intro: HTML = d.voters.isEmpty
            ? "<p class=\"notice\">No annotator is flagged, and no admin has decided about one.</p>"
            : "<p class=\"hint\">Flagged annotators (and any an admin decided about), most certain first. <strong>Keep</strong> counts their votes whatever the audit says (the flag cleared); <strong>Exclude</strong> leaves them out for good; <strong>Let the audit decide</strong> withdraws a decision. Every decision is written to the admin action log.</p>"
        return """
        <section aria-labelledby="voters-heading">
        <h2 id="voters-heading">Flagged annotators</h2>
        \(intro)
        \(cards)
        </section>
        """
    }

    func voterCard(_ v: AuditReport.Voter) -> HTML {
        let decision = document.decision(v.voter)
        let status: String
        let found = v.flagged ? "flagged by the audit" : v.verdict
        switch decision?.decision {
        case .keep?: status = "\(found), kept by a decision: their votes count"
        case .exclude?: status = "\(found), excluded by a decision: their votes are left out"
        default: status = v.flagged ? "\(found): their votes are left out" : "\(found): their votes count"
        }
        var decided: HTML = .empty
        if let decision {
            decided = "<p class=\"hint decided\">Decided by \(decision.actor) on \(LeaderboardPage.time(decision.decidedAt))\(decision.note.map { ": “\($0)”" } ?? ".")</p>"
        }
        let signals = v.flaggedBy ?? []
        let reasons: HTML = v.reasons.isEmpty ? .empty : """
        <ul class="reasons">\(HTML.joined(v.reasons.enumerated().map { k, reason -> HTML in
            k < signals.count ? "<li><strong>\(Self.label(signals[k]))</strong>: \(reason)</li>" : "<li>\(reason)</li>"
        }))</ul>
        """
        return """
        <article class="card voter">
        <h3 class="voter-name">\(v.voter)</h3>
        <p class="meta">\(counted(v.votes, "vote")) · <span class="voter-status">\(status)</span></p>
        \(decided)
        \(reasons)
        \(evidence(v, firing: Set(signals)))
        \(actions(v, decision: decision?.decision.rawValue))
        </article>
        """
    }

    /// Per signal: whether it flagged the voter, and the voter's numbers.
    func evidence(_ v: AuditReport.Voter, firing: Set<String>) -> HTML {
        let s = v.scores
        func p(_ x: Double?) -> String { x.map { "p = \(sci($0))" } ?? "" }
        func join(_ parts: [String?]) -> String { parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "; ") }
        var rows: [(String, String)] = []
        rows.append(("consensus", s.consensus.available
            ? join([p(s.consensus.pValue), s.consensus.slope.map { "slope \(fixed($0, 2))" }, s.consensus.likelihoodRatio.map { "log likelihood ratio \(fixed($0, 2))" }, s.consensus.leftOut.map { "left out: \($0)" }])
            : s.consensus.note ?? "not available"))
        rows.append(("position", s.position.available
            ? join([s.position.left.map { "left \(grouped($0))" }, s.position.right.map { "right \(grouped($0))" }, s.position.ties.map { "ties \(grouped($0))" },
                    s.position.expectedLeft.map { "left expected \(fixed($0, 1))" }, p(s.position.pValue)])
            : s.position.note ?? "not available"))
        rows.append(("speed", s.speed.available
            ? join([s.speed.fastVotes.map { "\(grouped($0)) of \(grouped(s.speed.timedVotes ?? 0)) timed votes too fast" }, s.speed.medianMs.map { "median \(fixed($0 / 1000, 1)) s" }])
            : s.speed.note ?? "not available"))
        rows.append(("volume_daily", s.volume.dailyAvailable
            ? join([s.volume.busiestDay.map { "busiest day \($0)" }, s.volume.votesThatDay.map { "\(counted($0, "vote")) that day" }])
            : s.volume.note ?? "not available"))
        rows.append(("concentration", join([
            s.volume.topContender.map { "most votes on \($0)" }, s.volume.topContenderVotes.map { "\(grouped($0)) votes" },
            s.volume.topContenderExpected.map { "\(fixed($0, 1)) expected" }, p(s.volume.concentrationPValue)])))
        rows.append(("gold", s.gold.available
            ? join([s.gold.correct.map { "\(grouped($0)) of \(grouped(s.gold.battles ?? 0)) correct" }, s.gold.accuracy.map { "accuracy \(fixed(100 * $0, 1))%" },
                    s.gold.reference.map { "crowd \(fixed(100 * $0, 1))%" }, p(s.gold.pValue)])
            : s.gold.note ?? "not available"))
        rows.append(("coordinated", s.favouritism.available
            ? join([s.favouritism.contender.map { "\(s.favouritism.direction ?? "leans on") \($0)" },
                    s.favouritism.score.map { "scored \(fixed($0, 1)) of \(grouped(s.favouritism.votes ?? 0))" }, s.favouritism.expected.map { "\(fixed($0, 1)) expected" },
                    p(s.favouritism.pValue), s.favouritism.group.map { "group \($0 + 1)" }])
            : s.favouritism.note ?? "not available"))
        rows.append(("sequential", s.sequential.available
            ? join([s.sequential.votesTested.map { "\(grouped($0)) votes tested" }, s.sequential.maxLog10M.map { "max log₁₀ M \(fixed($0, 2))" },
                    s.sequential.lmarenaFlag.map { $0 ? "would flag" : "would not flag" }])
            : s.sequential.note ?? "not available"))
        let body = HTML.joined(rows.map { key, numbers in
            let fired = firing.contains(key)
            return """
            <tr class="\(fired ? "fired" : "quiet")" data-signal="\(key)"><th scope="row">\(Self.label(key))</th><td>\(fired ? "flagged" : "—")</td><td>\(numbers.isEmpty ? "—" : numbers)</td></tr>
            """
        })
        return """
        <details class="evidence"\(firing.isEmpty ? "" : " open")>
        <summary>Evidence per signal\(v.scores.combinedPValue.map { " (combined p = \(sci($0)))" } ?? "")</summary>
        <div class="table-wrap">
        <table class="board compact evidence-table">
        <thead><tr><th scope="col">Signal</th><th scope="col">Flagged</th><th scope="col">Numbers</th></tr></thead>
        <tbody>
        \(body)
        </tbody>
        </table>
        </div>
        </details>
        """
    }

    /// Keep / exclude / let the audit decide, sent by `prefer.js` to the
    /// decision API as `{"decision": …, "note": …}`.
    func actions(_ v: AuditReport.Voter, decision: String?) -> HTML {
        guard canDecide else { return .empty }
        let path = "/api/arenas/\(Self.pathSegment(document.arena))/voters/\(Self.pathSegment(v.voter))/decision"
        func pressed(_ value: String) -> HTML { decision == value ? " aria-pressed=\"true\"" : .empty }
        let clear: HTML = decision == nil ? .empty
            : "<button type=\"submit\" name=\"decision\" value=\"\" class=\"button\">Let the audit decide</button>"
        return """
        <form class="decision-form row-form" method="post" action="\(path)" data-method="PUT">
        <label>Note <input name="note" maxlength="2000" autocomplete="off"></label>
        <button type="submit" name="decision" value="keep" class="button\(decision == "keep" ? " primary" : "")"\(pressed("keep"))>Keep</button>
        <button type="submit" name="decision" value="exclude" class="button\(decision == "exclude" ? " primary" : "")"\(pressed("exclude"))>Exclude</button>
        \(clear)
        </form>
        """
    }

    func decisions() -> HTML {
        let d = document
        guard !d.decisions.isEmpty else { return .empty }
        let rows = HTML.joined(d.decisions.map { decision in
            "<tr><th scope=\"row\">\(decision.voter)</th><td>\(decision.decision.rawValue)</td><td>\(decision.actor)</td><td>\(LeaderboardPage.time(decision.decidedAt))</td><td>\(decision.note ?? "")</td></tr>"
        })
        return """
        <section aria-labelledby="decisions-heading">
        <h2 id="decisions-heading">Decisions</h2>
        <div class="table-wrap">
        <table class="board compact">
        <thead><tr><th scope="col">Annotator</th><th scope="col">Decision</th><th scope="col">By</th><th scope="col">When</th><th scope="col">Note</th></tr></thead>
        <tbody>
        \(rows)
        </tbody>
        </table>
        </div>
        </section>
        """
    }

    /// A path segment, percent-encoded (voter ids are any text).
    static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
