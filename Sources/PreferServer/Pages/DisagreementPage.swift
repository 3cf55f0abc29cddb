import Foundation
import Hummingbird
import PreferCore

/// `/arenas/{arena}/disagreement`: where people disagree (issue 12) — the
/// mixture of preference types (each type's share and board, and which
/// attributes predict the type), the intransitive cycles, and the contested
/// items — drawn from the same JSON the API serves (`GET …/mixture`,
/// `…/cycles`, `…/items`). Every name and value is escaped through `HTML`.
struct DisagreementPage {
    var arena: Arena
    /// The analyses' JSON, or why there is none yet.
    var mixture: Result<[String: Any], PreferError>
    var cycles: Result<[String: Any], PreferError>
    var items: Result<[String: Any], PreferError>

    func render() -> HTML {
        let body: HTML = """
        <main id="main" class="wide">
        <h1>Disagreement · \(arena.name)</h1>
        <p class="note">One leaderboard assumes everyone wants the same thing, on one axis. These views check both assumptions on this arena's votes (people's votes, every voter). <a href="/arenas/\(arena.name)/leaderboard">Back to the leaderboard</a>.</p>
        \(typesSection())
        \(cyclesSection())
        \(itemsSection())
        </main>
        """
        return PageLayout.page(title: "Disagreement · \(arena.name)", body: body, page: "disagreement")
    }

    private func unavailable(_ error: PreferError) -> HTML {
        "<p class=\"note\">\(error.message)</p>"
    }

    func typesSection() -> HTML {
        var inner: HTML
        switch mixture {
        case .failure(let error):
            inner = unavailable(error)
        case .success(let report):
            let types = report["types"] as? Int ?? 0
            let bic = (report["bic"] as? [[String: Any]] ?? []).map { entry -> String in
                "T = \(entry["types"] as? Int ?? 0): \(Self.number(entry["bic"], 1))"
            }
            inner = types <= 1
                ? "<p class=\"note types-verdict\">One type: the votes support no split into groups with different tastes (BIC: \(bic.joined(separator: "; "))).</p>"
                : "<p class=\"note types-verdict\">\(String(types)) types of annotators with different tastes, chosen by BIC (\(bic.joined(separator: "; "))).</p>"
            let classes = report["classes"] as? [[String: Any]] ?? []
            if types > 1 {
                for (k, type) in classes.enumerated() {
                    let rows = HTML.joined((type["contenders"] as? [[String: Any]] ?? []).prefix(15).enumerated().map { rank, entry -> HTML in
                        let name = entry["name"] as? String ?? "?"
                        return "<tr><td class=\"num\">\(String(rank + 1))</td><th scope=\"row\">\(name)</th><td class=\"num\">\(Self.number(entry["rating"], 1))</td><td class=\"num\">\(Self.number(entry["lower"], 1)) to \(Self.number(entry["upper"], 1))</td></tr>"
                    })
                    inner += """
                    <h3>Type \(String(k)) · \(Self.percent(type["share"])) of annotators</h3>
                    <div class="table-wrap"><table class="board type-board"><thead><tr><th scope="col" class="num">Rank</th><th scope="col">Contender</th><th scope="col" class="num">Rating</th><th scope="col" class="num">Interval</th></tr></thead><tbody>\(rows)</tbody></table></div>
                    """
                }
            }
            for attribute in report["attributes"] as? [[String: Any]] ?? [] {
                let field = attribute["field"] as? String ?? "?"
                let rows = HTML.joined((attribute["rows"] as? [[String: Any]] ?? []).map { row -> HTML in
                    let shares = (row["shares"] as? [Any] ?? []).map { Self.percent($0) }.joined(separator: " · ")
                    return "<tr><th scope=\"row\">\(row["value"] as? String ?? "?")</th><td class=\"num\">\(String(row["annotators"] as? Int ?? 0))</td><td>\(shares)</td></tr>"
                })
                inner += """
                <h3>Does \(field) predict the type?</h3>
                <p class="note">G-test of independence: p = \(Self.number(attribute["p_value"], 4)), Cramér's V = \(Self.number(attribute["cramers_v"], 2)). Groups under the minimum are merged into other.</p>
                <div class="table-wrap"><table class="board"><thead><tr><th scope="col">\(field)</th><th scope="col" class="num">Annotators</th><th scope="col">Share in each type</th></tr></thead><tbody>\(rows)</tbody></table></div>
                """
            }
        }
        return """
        <section class="types" aria-labelledby="types-heading">
        <h2 id="types-heading">Types of annotators</h2>
        <p class="hint">A latent-class Bradley–Terry mixture over annotators (their votes together), the number of types chosen by BIC. <a href="/api/arenas/\(arena.name)/mixture">JSON</a></p>
        \(inner)
        </section>
        """
    }

    func cyclesSection() -> HTML {
        let inner: HTML
        switch cycles {
        case .failure(let error): inner = unavailable(error)
        case .success(let report): inner = Self.cycles(report, arena: arena.name) ?? "<p class=\"note\">No cycle the data support: every significant triangle is transitive at a false discovery rate of 5%.</p>"
        }
        return """
        <section class="cycles-all" aria-labelledby="all-cycles-heading">
        <h2 id="all-cycles-heading">Intransitive cycles</h2>
        \(inner)
        </section>
        """
    }

    func itemsSection() -> HTML {
        let inner: HTML
        switch items {
        case .failure(let error):
            inner = unavailable(error)
        case .success(let report):
            let all = report["items"] as? [[String: Any]] ?? []
            let contested = all.filter { $0["contested"] as? Bool == true }
            let mislabelled = (report["mislabelled"] as? [Any] ?? []).count
            let rows = HTML.joined(contested.prefix(30).map { item -> HTML in
                let split = item["split"] as? [String: Any] ?? [:]
                return "<tr><td>\(item["item"] as? String ?? "?")</td><td>\(item["a"] as? String ?? "?") vs \(item["b"] as? String ?? "?")</td><td class=\"num\">\(String(split["a"] as? Int ?? 0))–\(String(split["b"] as? Int ?? 0)) (\(String(split["ties"] as? Int ?? 0)) ties)</td><td class=\"num\">\(Self.number(item["strength"], 2))</td></tr>"
            })
            let table: HTML = contested.isEmpty ? .empty : """
            <div class="table-wrap"><table class="board contested"><thead><tr><th scope="col">Item (prompt · pair)</th><th scope="col">Pair</th><th scope="col" class="num">Split</th><th scope="col" class="num">Strength</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
            inner = """
            <p class="note">\(String(all.count)) items (a prompt and a pair); \(String(contested.count)) contested (people split with enough votes); \(String(mislabelled)) votes likely mislabelled (against a strong consensus and the model).</p>
            \(table)
            """
        }
        return """
        <section class="items" aria-labelledby="items-heading">
        <h2 id="items-heading">Contested items</h2>
        <p class="hint">Items judged by several annotators (set annotations_per_item above 1). <a href="/api/arenas/\(arena.name)/items">JSON</a></p>
        \(inner)
        </section>
        """
    }

    /// The significant cycles of a `prefer cycles` report, or nil when none.
    static func cycles(_ report: [String: Any], arena: String) -> HTML? {
        let triangles = report["triangles"] as? [String: Any] ?? [:]
        let found = triangles["cycles"] as? [[String: Any]] ?? []
        guard !found.isEmpty else { return nil }
        let rows = HTML.joined(found.prefix(20).map { cycle -> HTML in
            let names = (cycle["cycle"] as? [String] ?? [])
            let edges = (cycle["edges"] as? [[String: Any]] ?? []).map { edge -> String in
                "\(edge["winner"] as? String ?? "?") beats \(edge["loser"] as? String ?? "?") \(percent(edge["win_rate"]))"
            }
            return "<tr><th scope=\"row\">\((names + names.prefix(1)).joined(separator: " > "))</th><td>\(edges.joined(separator: "; "))</td><td class=\"num\">\(number(cycle["q_value"], 4))</td></tr>"
        })
        let hodge = report["hodge"] as? [String: Any] ?? [:]
        return """
        <p class="note">\(String(found.count)) cycle\(found.count == 1 ? "" : "s") A &gt; B &gt; C &gt; A with every edge significant (exact sign tests; Benjamini–Yekutieli at a false discovery rate of \(percent(triangles["fdr"]))): one rating per contender cannot express \(found.count == 1 ? "it" : "them"). The transitive part explains \(percent(hodge["gradient_share"])) of the pairwise variance. <a href="/api/arenas/\(arena)/cycles">JSON</a></p>
        <div class="table-wrap"><table class="board cycles-table"><thead><tr><th scope="col">Cycle</th><th scope="col">Edges (win rate)</th><th scope="col" class="num">q-value</th></tr></thead><tbody>\(rows)</tbody></table></div>
        """
    }

    static func number(_ value: Any?, _ digits: Int) -> String {
        guard let x = (value as? Double) ?? (value as? Int).map(Double.init), x.isFinite else { return "—" }
        return String(format: "%.\(digits)f", x)
    }

    static func percent(_ value: Any?) -> String {
        guard let x = (value as? Double) ?? (value as? Int).map(Double.init), x.isFinite else { return "—" }
        return String(format: "%.1f%%", 100 * x)
    }
}

extension PagesController {
    /// The leaderboard page's cycles section (on the whole board, when cycles
    /// are found; the fast part only) and the link to the disagreement page.
    func disagreementSections(_ index: ArenaIndex, view: String, source: VoteSourceFilter) async throws -> HTML {
        var sections: HTML = .empty
        if view.isEmpty, source == .human, !index.isKWay,
           let data = try? await services.leaderboards.analysis(
               arena: index.arena.id, variant: .cycles(models: false), seed: services.configuration.leaderboardSeed),
           let report = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let cycles = DisagreementPage.cycles(report, arena: index.arena.name) {
            sections += """
            <section class="cycles" aria-labelledby="cycles-heading">
            <h2 id="cycles-heading">Cycles: preferences that go round</h2>
            \(cycles)
            </section>
            """
        }
        sections += "<p class=\"actions\"><a class=\"button\" href=\"/arenas/\(index.arena.name)/disagreement\">Where people disagree: types, cycles, contested items</a></p>"
        return sections
    }

    /// `GET /arenas/{arena}/disagreement`.
    @Sendable func disagreementPage(_ request: Request, context: Context) async throws -> Response {
        do {
            let index = try await services.directory.index(context.parameters.require("arena"))
            try ArenaAccess.requireReader(index.arena, context.identity)
            let minimum = try await services.attributes.minimumGroupSize(arena: index.arena.id)
            func load(_ variant: LeaderboardCache.Variant) async -> Result<[String: Any], PreferError> {
                do {
                    let data = try await services.leaderboards.analysis(
                        arena: index.arena.id, variant: variant, seed: services.configuration.leaderboardSeed)
                    return .success(try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:])
                } catch {
                    return .failure(translate(error, context: context))
                }
            }
            let page = DisagreementPage(
                arena: index.arena, mixture: await load(.mixture(minimum: minimum)),
                cycles: await load(.cycles(models: false)), items: await load(.items))
            return PageResponse.html(page.render(), cache: "no-cache")
        } catch {
            let problem = translate(error, context: context)
            return PageResponse.error(problem, title: Self.title(problem))
        }
    }
}
