/// The page's stylesheet and its one small script, inline (the page loads nothing).
enum HTMLStyle {
    /// The system's own fonts (no web font is fetched); cards on a max-width column; a print
    /// stylesheet without shadows or backgrounds, cards and tables kept whole on a page.
    static let css = """
        :root{--ink:#1d2530;--muted:#5d6876;--line:#d8dde3;--bg:#f3f5f8;--card:#fff;--accent:#0072B2}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
        main{max-width:1080px;margin:0 auto;padding:24px 20px 48px}
        header.top{margin-bottom:12px}
        h1{font-size:1.7rem;margin:0 0 4px}
        h2{font-size:1.3rem;margin:36px 0 12px;padding-bottom:4px;border-bottom:2px solid var(--line)}
        h3{font-size:1.05rem;margin:0 0 10px}
        p{margin:0 0 10px}
        code{font:0.9em ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;background:#eef1f4;padding:0 3px;border-radius:3px}
        nav.toc{display:flex;flex-wrap:wrap;gap:4px 16px;margin:8px 0 0;font-size:.95rem}
        nav.toc a{color:var(--accent)}
        .meta,.muted{color:var(--muted)}
        .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:16px;margin:0 0 16px}
        .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:0 0 16px;box-shadow:0 1px 3px rgba(20,30,40,.08);min-width:0}
        .grid>.card{margin:0}
        .card.wide{grid-column:1/-1}
        .summary p{font-size:1.02rem}
        .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:10px;margin:0 0 14px}
        .tile{border:1px solid var(--line);border-left:5px solid var(--accent);border-radius:6px;padding:8px 10px;background:#fbfcfd}
        .tile.good{border-left-color:#009E73}.tile.warn{border-left-color:#CC79A7}.tile.bad{border-left-color:#D55E00}.tile.archive{border-left-color:#E69F00}
        .tile .big{font-size:1.35rem;font-weight:650}
        .tile .what{color:var(--muted);font-size:.88rem}
        .notrun{color:var(--muted);font-style:italic}
        figure{margin:4px 0 12px}
        svg.chart{display:block;max-width:100%;height:auto}
        svg.chart text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#222}
        svg.chart text.v{fill:#444;font-size:11px}
        .scroll{overflow-x:auto;margin:0 0 12px}
        table{border-collapse:collapse;width:100%;font-size:.9rem}
        caption{text-align:left;font-weight:600;padding:0 0 4px;color:var(--muted)}
        th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;overflow-wrap:break-word}
        .path{overflow-wrap:anywhere;min-width:14em}
        thead th{border-bottom:2px solid #b9c1ca;vertical-align:bottom}thead th.num{white-space:normal}
        tbody th{font-weight:500}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;overflow-wrap:normal}
        th[aria-sort]::after{content:" ▾"}th[aria-sort=ascending]::after{content:" ▴"}
        table.sortable thead th{cursor:pointer}
        .tag{white-space:nowrap}
        figcaption{font-size:.85rem;color:var(--muted);margin:0 0 2px}
        .sw{display:inline-block;width:.8em;height:.8em;margin-right:.4em;vertical-align:-.05em;border-radius:2px;forced-color-adjust:none}
        .ok{color:#00704f;font-weight:600}.no{color:#b34400;font-weight:600}
        details summary{cursor:pointer;color:var(--accent)}
        ul{margin:0 0 10px;padding-left:1.3em}
        footer{margin-top:32px;color:var(--muted);font-size:.85rem}
        @media (max-width:560px){.grid{grid-template-columns:1fr}main{padding:12px}}
        @media print{
        body{background:none;color:#000;font-size:10pt}
        main{max-width:none;padding:0}
        nav.toc{display:none}
        .card,.tile{box-shadow:none;background:none;border-color:#999}
        .card,figure,table,tr,.tiles{break-inside:avoid;page-break-inside:avoid}
        h2,h3,caption{break-after:avoid;page-break-after:avoid}
        .grid{display:block}.grid>.card{margin:0 0 10px}
        .scroll{overflow:visible}
        a{color:inherit;text-decoration:none}
        code{background:none;padding:0}
        details::details-content{content-visibility:visible;display:block}
        svg.chart,.sw{print-color-adjust:exact;-webkit-print-color-adjust:exact}
        }
        """

    /// Sorts a table by the clicked heading (numbers by their `data-value`, text by its words),
    /// again to reverse. Progressive enhancement: without scripts the tables are in the JSON's
    /// order. Kept trivial on purpose; in a CDATA section so the page is also well-formed XML.
    static let script = """
        //<![CDATA[
        document.querySelectorAll("table.sortable thead th").forEach(function (th) {
          th.tabIndex = 0;
          function key(row) {
            var c = row.cells[th.cellIndex], v = c ? c.querySelector("[data-value]") || c : null;
            if (!v) return "";
            var raw = v.getAttribute("data-value");
            return raw !== null && raw !== "" && !isNaN(raw) ? Number(raw) : v.textContent.trim().toLowerCase();
          }
          function sort() {
            var body = th.closest("table").tBodies[0], up = th.getAttribute("aria-sort") !== "ascending";
            th.closest("tr").querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
            th.setAttribute("aria-sort", up ? "ascending" : "descending");
            Array.from(body.rows).sort(function (a, b) {
              var x = key(a), y = key(b), d = typeof x === typeof y ? (x > y) - (x < y) : (typeof x === "number" ? -1 : 1);
              return up ? d : -d;
            }).forEach(function (r) { body.appendChild(r); });
          }
          th.addEventListener("click", sort);
          th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
        });
        //]]>
        """
}
