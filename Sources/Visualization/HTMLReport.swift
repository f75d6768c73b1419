import Storage
import Foundation
import NumericCore

/// A report as one self-contained HTML page, and the same content as markdown.
///
/// The page holds everything it shows: PNG images as base64 `data:` URIs, charts as inline
/// SVG, the stylesheet in its head. It opens from the disk in any browser, with no network
/// and no folder of files beside it to lose; mailed or archived, it stays whole. The
/// markdown rendering (for a repository to show) refers to the images by the relative
/// file names given with each figure, and `write(in:)` writes them there.
///
/// Text is plain text everywhere: the page escapes it, and the markdown escapes the marks
/// that markdown would otherwise act on.
public struct HTMLReport: Sendable {
    /// A picture with its caption.
    public struct Figure: Sendable {
        public enum Content: Sendable {
            case png(Data)
            case svg(String)
        }

        public var content: Content
        public var caption: String
        /// The picture's file, relative to the report's folder, for the markdown rendering.
        public var fileName: String

        public init(content: Content, caption: String, fileName: String) {
            self.content = content
            self.caption = caption
            self.fileName = fileName
        }

        public static func png(_ data: Data, caption: String, fileName: String) -> Figure {
            Figure(content: .png(data), caption: caption, fileName: fileName)
        }

        public static func svg(_ svg: String, caption: String, fileName: String) -> Figure {
            Figure(content: .svg(svg), caption: caption, fileName: fileName)
        }

        /// The bytes of the picture's file.
        var fileContents: Data {
            switch content {
            case .png(let data): data
            case .svg(let svg): Data(svg.utf8)
            }
        }
    }

    public enum Block: Sendable {
        /// Starts a section with this heading.
        case section(String)
        case paragraph(String)
        /// A paragraph that ends with a link to `target`, a path relative to the report's
        /// folder (a file kept beside it), shown as `linkText`.
        case linkedParagraph(String, linkText: String, target: String)
        /// A header row and rows of cells; columns whose cells are all numbers (or empty,
        /// or a dash for a missing value) are right-aligned.
        case table(header: [String], rows: [[String]])
        /// One figure, or several side by side (wrapping when the window is narrow).
        case figures([Figure])
    }

    public var title: String
    public var blocks: [Block] = []

    public init(title: String) {
        self.title = title
    }

    public mutating func section(_ heading: String) { blocks.append(.section(heading)) }
    public mutating func paragraph(_ text: String) { blocks.append(.paragraph(text)) }
    public mutating func paragraph(_ text: String, linkText: String, target: String) {
        precondition(!target.contains(where: { $0 == " " || $0 == "(" || $0 == ")" || $0 == "\"" || $0 == "<" }) && !target.contains(":"),
                     "a link beside the report, by a plain relative path")
        blocks.append(.linkedParagraph(text, linkText: linkText, target: target))
    }
    public mutating func table(header: [String], rows: [[String]]) { blocks.append(.table(header: header, rows: rows)) }
    public mutating func figure(_ figure: Figure) { blocks.append(.figures([figure])) }
    public mutating func figureRow(_ figures: [Figure]) { blocks.append(.figures(figures)) }

    /// Every figure of the report, in order.
    public var figures: [Figure] {
        blocks.flatMap { block -> [Figure] in
            if case .figures(let figures) = block { return figures }
            return []
        }
    }

    /// The page: HTML5, UTF-8, everything inline. Empty elements are closed (`<img/>`),
    /// so that the page is also well-formed XML, which tests and tools can parse.
    public var html: String {
        var body = "<h1>\(Markup.escape(title))</h1>\n"
        var inSection = false
        for block in blocks {
            switch block {
            case .section(let heading):
                body += (inSection ? "</section>\n" : "") + "<section>\n<h2>\(Markup.escape(heading))</h2>\n"
                inSection = true
            case .paragraph(let text):
                body += "<p>\(Markup.escape(text))</p>\n"
            case .linkedParagraph(let text, let linkText, let target):
                body += "<p>\(Markup.escape(text)) <a href=\"\(Markup.escape(target))\">\(Markup.escape(linkText))</a>.</p>\n"
            case .table(let header, let rows):
                body += Self.htmlTable(header: header, rows: rows)
            case .figures(let figures):
                let rendered = figures.map(Self.htmlFigure).joined()
                body += figures.count == 1 ? rendered : "<div class=\"row\">\n\(rendered)</div>\n"
            }
        }
        if inSection { body += "</section>\n" }
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>\(Markup.escape(title))</title>
        <style>
        \(Self.styleSheet)</style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    /// Writes the page (`html`) and, unless `markdown` is nil, the markdown rendering and
    /// the figures' files it refers to, into `folder` (made if missing), each atomically.
    public func write(in folder: URL, html: String = "index.html", markdown: String? = "report.md") throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if let markdown {
            var written = Set<String>()
            for figure in figures {
                let components = figure.fileName.split(separator: "/", omittingEmptySubsequences: false)
                guard !figure.fileName.hasPrefix("/"), !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
                    throw FileError(path: figure.fileName, problem: "a figure's file name must be a plain path inside the report's folder")
                }
                guard written.insert(figure.fileName).inserted else {
                    throw FileError(path: figure.fileName, problem: "two figures of the report have this file name")
                }
                let url = folder.appendingPathComponent(figure.fileName)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(figure.fileContents, to: url)
            }
            try AtomicFile.write(self.markdown, to: folder.appendingPathComponent(markdown))
        }
        try AtomicFile.write(self.html, to: folder.appendingPathComponent(html))
    }

    private static func htmlTable(header: [String], rows: [[String]]) -> String {
        let numeric = numericColumns(header: header, rows: rows)
        func cells(_ row: [String], tag: String) -> String {
            row.enumerated().map { column, cell in
                let alignment = column < numeric.count && numeric[column] ? " class=\"number\"" : ""
                return "<\(tag)\(alignment)>\(Markup.escape(cell))</\(tag)>"
            }.joined()
        }
        var out = "<table>\n<thead><tr>\(cells(header, tag: "th"))</tr></thead>\n<tbody>\n"
        for row in rows { out += "<tr>\(cells(row, tag: "td"))</tr>\n" }
        return out + "</tbody>\n</table>\n"
    }

    private static func htmlFigure(_ figure: Figure) -> String {
        let picture: String
        switch figure.content {
        case .png(let data):
            picture = "<img src=\"data:image/png;base64,\(data.base64EncodedString())\" alt=\"\(Markup.escape(figure.caption))\"/>"
        case .svg(let svg):
            picture = inlineSVG(svg)
        }
        return "<figure>\n\(picture)\n<figcaption>\(Markup.escape(figure.caption))</figcaption>\n</figure>\n"
    }

    /// An SVG document as an element of the page: without the XML declaration or doctype
    /// a standalone file may begin with, which HTML does not allow there.
    static func inlineSVG(_ svg: String) -> String {
        guard let start = svg.range(of: "<svg") else { return svg }
        return svg[start.lowerBound...].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// For each column, whether it holds numbers: every cell a number (a sign, a unit
    /// of %, or a "± spread" allowed), an empty cell or a dash, and at least one number.
    static func numericColumns(header: [String], rows: [[String]]) -> [Bool] {
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        return (0..<columns).map { column in
            let cells = rows.compactMap { column < $0.count ? $0[column].trimmingCharacters(in: .whitespaces) : nil }
            let values = cells.filter { !["", "-", "—", "–"].contains($0) }
            return !values.isEmpty && values.allSatisfy(isNumber)
        }
    }

    static func isNumber(_ cell: String) -> Bool {
        var text = cell.replacingOccurrences(of: "−", with: "-")
        if text.hasSuffix("%") { text.removeLast() }
        let parts = text.split(separator: "±", omittingEmptySubsequences: false)
        return parts.count <= 2 && parts.allSatisfy { Double($0.trimmingCharacters(in: .whitespaces)) != nil }
    }

    /// Quiet and readable: one column of text, tables with right-aligned numbers, figures
    /// that shrink to the window but are never enlarged past their pixels.
    static let styleSheet = """
    body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
           color: #222; background: #fff; line-height: 1.5; max-width: 1160px; margin: 2em auto; padding: 0 1.5em; }
    h1 { font-size: 1.9em; margin: 0 0 .5em; }
    h2 { font-size: 1.35em; margin: 2em 0 .6em; padding-bottom: .2em; border-bottom: 1px solid #ddd; }
    p { max-width: 48em; }
    table { border-collapse: collapse; margin: 1em 0; font-size: .95em; }
    th, td { padding: .35em .9em; text-align: left; border-bottom: 1px solid #e5e5e5; }
    th { border-bottom: 2px solid #999; }
    .number { text-align: right; font-variant-numeric: tabular-nums; }
    tbody tr:nth-child(even) { background: #f7f7f7; }
    figure { margin: 1.2em 0; }
    figure img, figure svg { display: block; max-width: 100%; height: auto; }
    figcaption { color: #555; font-size: .9em; margin-top: .4em; max-width: 48em; }
    .row { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
    .row figure { margin: 1.2em 0 0; }

    """
}
