/// `/admin`: create an arena, upload outputs as JSONL, see votes per
/// contender, download the votes, open an arena's vote audit
/// (`AuditPage`), and manage named keys (list with their roles, make one —
/// shown once — and revoke; the owner key may). The page is plain HTML; `prefer.js`
/// keeps the admin key typed here in this tab's `sessionStorage` and calls the
/// JSON API with `Authorization: Bearer` — the page itself needs no key.
enum AdminPage {
    static func render() -> HTML {
        let body: HTML = """
        <main id="main" class="narrow admin">
        <h1>Admin</h1>
        <noscript><p class="notice error">The admin page needs JavaScript: it calls the JSON API with your key. Everything it does can also be done with the API described at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
        <section class="card" aria-labelledby="key-heading">
        <h2 id="key-heading">Admin key</h2>
        <form id="key-form" class="row-form">
        <label for="admin-key">Admin key</label>
        <input id="admin-key" name="admin-key" type="password" autocomplete="off" spellcheck="false" required>
        <button type="submit" class="button primary">Use this key</button>
        <button type="button" id="forget-key" class="button">Forget it</button>
        </form>
        <p class="hint">Printed once when the server first started (or set with <code>PREFER_ADMIN_KEY</code>). It stays in this tab only and is sent as <code>Authorization: Bearer</code> to the API.</p>
        </section>
        <section class="card" aria-labelledby="keys-heading">
        <h2 id="keys-heading">People and keys</h2>
        <p class="hint">Named keys with a role: <strong>viewer</strong> reads private leaderboards, exports and the vote audit; <strong>admin</strong> also manages arenas, imports and decisions about annotators; <strong>owner</strong> also manages keys. Only the owner key may make or revoke keys.</p>
        <div id="keys"></div>
        <form id="key-create-form" class="row-form">
        <label for="key-name">Name</label>
        <input id="key-name" name="name" required maxlength="100" pattern="[A-Za-z0-9._@\\-]+" autocomplete="off" spellcheck="false">
        <label for="key-role">Role</label>
        <select id="key-role" name="role"><option value="viewer">viewer</option><option value="admin">admin</option><option value="owner">owner</option></select>
        <button type="submit" class="button primary">Make a key</button>
        </form>
        <div id="new-key" class="notice new-key" role="status" hidden></div>
        </section>
        <section class="card" aria-labelledby="create-heading">
        <h2 id="create-heading">Create an arena</h2>
        <form id="create-form" class="stack-form">
        <label for="arena-name">Name <span class="hint">(letters, digits, - _ . — used in addresses)</span></label>
        <input id="arena-name" name="name" required maxlength="64" pattern="[A-Za-z0-9._\\-]+">
        <label for="arena-description">Description</label>
        <textarea id="arena-description" name="description" rows="2" maxlength="10000"></textarea>
        <label for="arena-criteria">Criteria <span class="hint">(optional, comma-separated, e.g. helpfulness, style)</span></label>
        <input id="arena-criteria" name="criteria">
        <label for="arena-sampling">Sampling</label>
        <select id="arena-sampling" name="sampling"><option value="uniform">uniform</option><option value="weighted">weighted</option></select>
        <label for="arena-min-play">Minimum play time for audio and video, in milliseconds <span class="hint">(optional)</span></label>
        <input id="arena-min-play" name="min_play_ms" type="number" min="0" max="3600000" step="500">
        <label class="check"><input id="arena-private" name="private" type="checkbox"> Private (voting by invite link only)</label>
        <button type="submit" class="button primary">Create arena</button>
        </form>
        </section>
        <section aria-labelledby="arenas-heading">
        <div class="section-head"><h2 id="arenas-heading">Arenas</h2><button type="button" id="refresh" class="button">Refresh</button></div>
        <p class="hint">Upload outputs as JSON Lines, one output per line: <code>{"prompt": "…", "contender": "…", "content": "…"}</code> (optional <code>category</code>, <code>media</code> image/audio/video/model3d with <code>url</code>). Contenders and prompts are created as needed; a file with an invalid line imports nothing.</p>
        <div id="arenas"></div>
        </section>
        <div id="admin-status" class="status" role="status" aria-live="polite"></div>
        </main>
        """
        return PageLayout.page(title: "Admin", body: body, page: "admin")
    }
}
