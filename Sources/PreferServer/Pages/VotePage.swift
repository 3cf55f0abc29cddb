import Foundation
import PreferCore

/// The voting page of one battle: the prompt, outputs A (left) and B (right),
/// optional per-criterion choices and a rationale, and the four vote buttons
/// with their keys. Nothing on it names a contender until the vote is stored.
///
/// It works as a plain form (each button submits `choice`; the answer is the
/// same page with the contenders revealed), and `prefer.js` adds the keys
/// (←, →, t, b; n or Enter for the next battle), sends the vote with `fetch`,
/// measures time to vote and time played, and reveals without a reload.
struct VotePage {
    /// What the page shows after a vote sent without the script.
    struct Reveal {
        var left: String
        var right: String
        var choice: String
        /// Shown instead of the usual line when the vote was not stored now (a repeat, say).
        var notice: String?
    }

    var arena: Arena
    var prompt: Prompt?
    var left: Output
    var right: Output
    var battle: String
    var csrfToken: String
    var clientVoteId: String
    /// `?invite=…` (percent-encoded) or "", kept on every link and on the form.
    var inviteQuery: String
    var revealed: Reveal?

    var voteURL: String { "/arenas/\(arena.name)/vote\(inviteQuery)" }

    /// Whether the arena asks for play time and a side is a recording.
    var needsPlayTime: Bool {
        (arena.minPlayMs ?? 0) > 0 && [left, right].contains { $0.media == .audio || $0.media == .video }
    }

    func render() -> HTML {
        PageLayout.page(title: Self.title(arena), body: main(), page: "vote")
    }

    static func title(_ arena: Arena) -> String { "Vote · \(arena.name)" }

    /// The page's `<main>`: all that changes from one battle to the next, so
    /// that the script can show the next battle (sent with the vote) in place.
    func main() -> HTML {
        let criteria = HTML.joined(arena.criteria.enumerated().map { criterion($0.element, index: $0.offset) })
        let disabled: HTML = revealed != nil || needsPlayTime ? " disabled" : ""
        let playNote: HTML = needsPlayTime
            ? "<p class=\"hint\" id=\"play-hint\">Play each recording for at least \(seconds(arena.minPlayMs ?? 0)) before voting; the buttons wake up when you have.</p>"
            : ""
        let minPlay = needsPlayTime ? (arena.minPlayMs ?? 0) : 0
        return """
        <main id="main" class="vote" data-min-play-ms="\(minPlay)" data-title="\(Self.title(arena)) · Prefer">
        <div class="vote-head">
        <h1>Which response is better?</h1>
        \(VotePage.battleHead(arena: arena, prompt: prompt, voteURL: voteURL, battle: battle, csrf: csrfToken, clientVoteId: clientVoteId))
        <div class="sides">
        \(side(left, letter: "A", key: "left", name: revealed?.left))
        \(side(right, letter: "B", key: "right", name: revealed?.right))
        </div>
        \(criteria.description.isEmpty ? HTML.empty : "<div class=\"criteria\"><p class=\"label\">Per criterion (optional)</p>\(criteria)</div>")
        <details class="rationale"\(arena.criteria.isEmpty ? HTML.empty : " open")>
        <summary>Add a reason (optional)</summary>
        <label for="rationale">Why is one better? Your words go with the vote.</label>
        <textarea id="rationale" name="rationale" rows="3" maxlength="20000"></textarea>
        </details>
        \(playNote)
        <div class="choices" role="group" aria-label="Your vote">
        <button type="submit" name="choice" value="left" class="choice choice-a"\(disabled)\(chosen("left"))><kbd aria-hidden="true">←</kbd> A is better</button>
        <button type="submit" name="choice" value="tie" class="choice choice-tie"\(disabled)\(chosen("tie"))><kbd aria-hidden="true">T</kbd> Tie</button>
        <button type="submit" name="choice" value="both_bad" class="choice choice-bad"\(disabled)\(chosen("both_bad"))><kbd aria-hidden="true">X</kbd> Both are bad</button>
        <button type="submit" name="choice" value="right" class="choice choice-b"\(disabled)\(chosen("right"))>B is better <kbd aria-hidden="true">→</kbd></button>
        </div>
        <p class="keys" aria-hidden="true">Keys: ← A · → B · T tie · B both bad · N next</p>
        </form>
        \(result())
        </main>
        """
    }

    /// The after-vote panel: filled by the server after a form vote, by the script otherwise.
    func result() -> HTML {
        guard let revealed else {
            return """
            <div id="result" class="result" role="status" aria-live="polite" hidden>
            <p id="result-text"></p>
            <a id="next" class="next" href="\(voteURL)">Next battle <kbd aria-hidden="true">N</kbd></a>
            </div>
            """
        }
        let text: HTML
        if let notice = revealed.notice {
            text = "\(notice)"
        } else {
            text = "Vote saved: \(Self.choiceText(revealed.choice))."
        }
        return """
        <div id="result" class="result" role="status" aria-live="polite">
        <p id="result-text">\(text) A was <strong>\(revealed.left)</strong>; B was <strong>\(revealed.right)</strong>.</p>
        <a id="next" class="next" href="\(voteURL)" autofocus>Next battle <kbd aria-hidden="true">N</kbd></a>
        </div>
        """
    }

    static func choiceText(_ choice: String) -> String {
        switch choice {
        case "left": "A is better"
        case "right": "B is better"
        case "tie": "tie"
        case "both_bad": "both are bad"
        default: choice
        }
    }

    private func chosen(_ choice: String) -> HTML {
        revealed?.choice == choice ? " aria-pressed=\"true\"" : ""
    }

    private func side(_ output: Output, letter: String, key: String, name: String?) -> HTML {
        let lower = letter.lowercased()
        let reveal: HTML = "<span class=\"reveal\" data-reveal=\"\(key)\">\(name.map { " — \($0)" } ?? "")</span>"
        return """
        <section class="side side-\(lower)" aria-labelledby="side-\(lower)-label">
        <h2 id="side-\(lower)-label" class="side-label"><span class="badge" aria-hidden="true">\(letter)</span><span class="side-title">Response \(letter)</span>\(reveal)</h2>
        <div class="output md" data-side="\(key)">\(Self.content(output, letter: letter, key: key))</div>
        </section>
        """
    }

    /// An output's body: safe markdown for text, native elements for media.
    static func content(_ output: Output, letter: String, key: String) -> HTML {
        guard output.media != .text else { return SafeMarkdown.render(output.content) }
        let caption: HTML = output.content.isEmpty ? .empty : "<div class=\"caption\">\(SafeMarkdown.render(output.content))</div>"
        guard let url = output.url.flatMap(HTML.webURL) else {
            return "<p class=\"notice\">This \(output.media.rawValue) output has no usable http(s) address.</p>" + caption
        }
        switch output.media {
        case .text:
            return SafeMarkdown.render(output.content)
        case .image:
            return "<img src=\"\(url)\" alt=\"Response \(letter) (image)\" loading=\"lazy\" referrerpolicy=\"no-referrer\">" + caption
        case .audio:
            return "<audio controls preload=\"metadata\" src=\"\(url)\" data-side=\"\(key)\" aria-label=\"Response \(letter) (audio)\"></audio>" + caption
        case .video:
            return "<video controls preload=\"metadata\" playsinline src=\"\(url)\" data-side=\"\(key)\" aria-label=\"Response \(letter) (video)\"></video>" + caption
        case .model3d:
            return "<p><a class=\"asset\" href=\"\(url)\" rel=\"noopener nofollow noreferrer\" target=\"_blank\">Open the 3D asset of response \(letter)</a></p>" + caption
        }
    }

    private func criterion(_ name: String, index: Int) -> HTML {
        let options: [(String, String)] = [("left", "A"), ("right", "B"), ("tie", "Tie"), ("both_bad", "Both bad")]
        let radios = HTML.joined(options.map { value, label in
            "<label class=\"pill\"><input type=\"radio\" name=\"criteria[\(name)]\" value=\"\(value)\"> \(label)</label>"
        })
        return "<fieldset class=\"criterion\"><legend>\(name)</legend>\(radios)</fieldset>"
    }

    private func seconds(_ ms: Int) -> String {
        ms % 1000 == 0 ? "\(ms / 1000) s" : String(format: "%.1f s", Double(ms) / 1000)
    }
}

extension VotePage {
    /// What every vote page shows above its outputs, pairwise or K-way: the
    /// arena's name and description, the prompt (its text as safe Markdown),
    /// and the opening of the vote form with its hidden fields — closed by
    /// the page after its own controls.
    static func battleHead(
        arena: Arena, prompt: Prompt?, voteURL: String, battle: String, csrf: String, clientVoteId: String
    ) -> HTML {
        """
        <p class="meta">Arena <strong>\(arena.name)</strong> · <a href="/arenas/\(arena.name)/leaderboard">Leaderboard</a></p>
        </div>
        \(arena.description.map { text -> HTML in "<p class=\"arena-about\">\(text)</p>" } ?? .empty)
        <section class="prompt" aria-labelledby="prompt-label">
        <h2 id="prompt-label" class="label">Prompt\(prompt?.category.map { c -> HTML in " <span class=\"tag\">\(c)</span>" } ?? .empty)</h2>
        <div class="md">\(SafeMarkdown.render(prompt?.text ?? ""))</div>
        </section>
        <form id="vote-form" class="vote-form" method="post" action="\(voteURL)">
        <input type="hidden" name="battle" value="\(battle)">
        <input type="hidden" name="csrf" value="\(csrf)">
        <input type="hidden" name="client_vote_id" value="\(clientVoteId)">
        """
    }
}
