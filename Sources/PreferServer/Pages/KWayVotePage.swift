import Foundation
import PreferCore

/// The voting page of a K-way battle: the prompt and K outputs side by side
/// (a grid; stacked on a phone), each with a "best" button (keys 1…K), and an
/// optional ranking (a place per output). Outputs are rendered exactly as on
/// the pairwise page (`VotePage.content`: safe Markdown, media by http(s)
/// address only); nothing names a contender until the vote is stored.
///
/// A plain form: a "best" button submits `best`; "Submit ranking" submits
/// the places `rank[pPOSITION]`. When the arena asks criteria, each is a
/// group of radio buttons (`criteria[NAME]` = the position best on it,
/// optional) sent with either. `prefer.js` adds the keys.
struct KWayVotePage {
    struct Reveal {
        /// Contender names in the order shown.
        var names: [String]
        /// The place given to each position (1 = best, 0 = unranked).
        var places: [Int]
        /// Per criterion answered, the position picked best on it.
        var criteria: [String: Int] = [:]
        var notice: String?
    }

    var arena: Arena
    var prompt: Prompt?
    var outputs: [Output]
    var battle: String
    var csrfToken: String
    var clientVoteId: String
    var inviteQuery: String
    var revealed: Reveal?

    var voteURL: String { "/arenas/\(arena.name)/vote\(inviteQuery)" }

    func render() -> HTML {
        PageLayout.page(title: "Vote · \(arena.name)", body: main(), page: "vote-kway")
    }

    func main() -> HTML {
        let k = outputs.count
        let disabled: HTML = revealed != nil ? " disabled" : ""
        let sides = HTML.joined(outputs.enumerated().map { side($0.element, position: $0.offset + 1, k: k, disabled: disabled) })
        return """
        <main id="main" class="vote vote-kway" data-k="\(k)">
        <div class="vote-head">
        <h1>Which of these \(k) responses is best?</h1>
        \(VotePage.battleHead(arena: arena, prompt: prompt, voteURL: voteURL, battle: battle, csrf: csrfToken, clientVoteId: clientVoteId))
        <div class="sides sides-k">
        \(sides)
        </div>
        \(criteria(k: k, disabled: disabled))
        <details class="rationale"\(arena.criteria.isEmpty ? HTML.empty : " open")>
        <summary>Add a reason (optional)</summary>
        <label for="rationale">Why is one best? Your words go with the vote.</label>
        <textarea id="rationale" name="rationale" rows="3" maxlength="20000"></textarea>
        </details>
        <div class="choices choices-k" role="group" aria-label="Your ranking">
        <button type="submit" name="choice" value="ranking" class="choice choice-ranking"\(disabled)>Submit ranking (places chosen above)</button>
        </div>
        <p class="keys" aria-hidden="true">Keys: 1…\(k) pick the best · N next</p>
        </form>
        \(result())
        </main>
        """
    }

    private func side(_ output: Output, position: Int, k: Int, disabled: HTML) -> HTML {
        let name = revealed.flatMap { $0.names.indices.contains(position - 1) ? " — " + $0.names[position - 1] : nil } ?? ""
        let place = revealed.flatMap { $0.places.indices.contains(position - 1) ? $0.places[position - 1] : nil } ?? 0
        let pressed: HTML = place == 1 ? " aria-pressed=\"true\"" : ""
        let placeText: HTML = revealed == nil ? .empty : (place == 0 ? " (unranked)" : " (place \(place))")
        let options = HTML.joined((0...k).map { p -> HTML in
            p == 0 ? "<option value=\"\">–</option>" : "<option value=\"\(p)\">\(p)</option>"
        })
        return """
        <section class="side side-k" aria-labelledby="side-\(position)-label">
        <h2 id="side-\(position)-label" class="side-label"><span class="badge" aria-hidden="true">\(position)</span><span class="side-title">Response \(position)</span><span class="reveal" data-reveal="\(position)">\(name)\(placeText)</span></h2>
        <div class="output md" data-side="\(position)">\(VotePage.content(output, letter: String(position), key: String(position)))</div>
        <div class="side-actions">
        <button type="submit" name="best" value="\(position)" class="choice choice-best"\(disabled)\(pressed)><kbd aria-hidden="true">\(position)</kbd> Best</button>
        <label class="rank">Place <select name="rank[p\(position)]"\(disabled)>\(options)</select></label>
        </div>
        </section>
        """
    }

    /// Per criterion, "which response is best on it?": a radio per position
    /// (arrow keys move within a group), none chosen = skipped. After the
    /// vote, the picks stay shown.
    private func criteria(k: Int, disabled: HTML) -> HTML {
        guard !arena.criteria.isEmpty else { return .empty }
        let groups = HTML.joined(arena.criteria.enumerated().map { i, name -> HTML in
            let picked = revealed?.criteria[name]
            let radios = HTML.joined((1...k).map { position -> HTML in
                let checked: HTML = picked == position ? " checked" : ""
                return "<label class=\"pill\"><input type=\"radio\" name=\"criteria[\(name)]\" value=\"\(position)\" id=\"criterion-\(i)-\(position)\"\(checked)\(disabled)> \(position)</label>"
            })
            return "<fieldset class=\"criterion\" data-criterion=\"\(name)\"><legend>Best on \(name)</legend>\(radios)</fieldset>"
        })
        return "<div class=\"criteria\"><p class=\"label\">Per criterion (optional): which response is best on it?</p>\(groups)</div>"
    }

    private func result() -> HTML {
        guard let revealed else { return .empty }
        let text: HTML = revealed.notice.map { "\($0)" } ?? "Vote saved."
        return """
        <div id="result" class="result" role="status" aria-live="polite">
        <p id="result-text">\(text)</p>
        <a id="next" class="next" href="\(voteURL)" autofocus>Next battle <kbd aria-hidden="true">N</kbd></a>
        </div>
        """
    }
}
