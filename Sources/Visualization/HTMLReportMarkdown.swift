import Foundation

extension HTMLReport {
    /// The report as GitHub-flavoured markdown, for a repository to show beside the page:
    /// the same headings, paragraphs and tables, and each figure as an image reference to
    /// its `fileName` with the caption below; figures side by side become a table of one
    /// row of pictures over one row of captions.
    public var markdown: String {
        var out = "# \(Self.markdownText(title))\n"
        for block in blocks {
            out += "\n"
            switch block {
            case .section(let heading):
                out += "## \(Self.markdownText(heading))\n"
            case .paragraph(let text):
                out += Self.markdownText(text) + "\n"
            case .linkedParagraph(let text, let linkText, let target):
                out += Self.markdownText(text) + " [\(Self.markdownText(linkText))](\(target)).\n"
            case .table(let header, let rows):
                out += Self.markdownTable(header: header, rows: rows)
            case .figures(let figures) where figures.count == 1:
                out += Self.markdownImage(figures[0]) + "\n"
                if !figures[0].caption.isEmpty { out += "\n*\(Self.markdownText(figures[0].caption))*\n" }
            case .figures(let figures):
                out += "| " + figures.map(Self.markdownImage).joined(separator: " | ") + " |\n"
                out += "|" + String(repeating: " --- |", count: figures.count) + "\n"
                out += "| " + figures.map { Self.markdownCell($0.caption) }.joined(separator: " | ") + " |\n"
            }
        }
        return out
    }

    private static func markdownTable(header: [String], rows: [[String]]) -> String {
        let numeric = numericColumns(header: header, rows: rows)
        func line(_ cells: [String]) -> String {
            let padded = cells + Array(repeating: "", count: max(numeric.count - cells.count, 0))
            return "| " + padded.map(markdownCell).joined(separator: " | ") + " |\n"
        }
        return line(header) + "|" + numeric.map { $0 ? " ---: |" : " --- |" }.joined() + "\n" + rows.map(line).joined()
    }

    private static func markdownImage(_ figure: Figure) -> String {
        "![\(markdownText(figure.caption))](\(markdownPath(figure.fileName)))"
    }

    /// A file name as a link destination: spaces, parentheses and other characters that
    /// would end the link percent-encoded.
    static func markdownPath(_ fileName: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "()")
        return fileName.addingPercentEncoding(withAllowedCharacters: allowed) ?? fileName
    }

    /// Text inside a table cell: also without the bar that would end the cell, and on one line.
    static func markdownCell(_ text: String) -> String {
        markdownText(text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// Plain text that markdown shows as written: the characters that would make emphasis,
    /// code, links or HTML are escaped, and so is a line start that would make a heading,
    /// a quote, a list item or a rule.
    static func markdownText(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "\\`*_[]<>".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped.split(separator: "\n", omittingEmptySubsequences: false).map(escapingLineStart).joined(separator: "\n")
    }

    /// `line` with a backslash before the marker of a heading (`#`), a list item (`-`, `+`
    /// or `1.` followed by a space) or a rule (`---`).
    private static func escapingLineStart(_ line: Substring) -> String {
        let indent = line.prefix { $0 == " " }
        let rest = line.dropFirst(indent.count)
        let digits = rest.prefix(while: \.isNumber)
        let afterDigits = rest.dropFirst(digits.count)
        let markerEnd: Int?   // where the backslash goes, counted from the end of the indent
        if !digits.isEmpty, let next = afterDigits.first, next == "." || next == ")",
           afterDigits.dropFirst().first.map({ $0 == " " }) ?? true {
            markerEnd = digits.count
        } else if rest.first == "#" {
            markerEnd = 0
        } else if let first = rest.first, first == "-" || first == "+",
                  rest.dropFirst().first.map({ $0 == " " || $0 == "-" }) ?? true {
            markerEnd = 0
        } else {
            markerEnd = nil
        }
        guard let markerEnd else { return String(line) }
        return String(indent) + rest.prefix(markerEnd) + "\\" + rest.dropFirst(markerEnd)
    }
}
