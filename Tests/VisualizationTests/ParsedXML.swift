import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An XML document (an SVG chart, or the report's page) read with Foundation's parser, so
/// that tests check both that it is well-formed and what it holds.
struct ParsedXML {
    struct Element {
        var name: String
        var attributes: [String: String]
        /// The text directly inside the element.
        var text: String
    }

    /// Every element, in document order.
    var elements: [Element]

    /// The parsed document, or nil when it is not well-formed.
    init?(_ document: String) {
        final class Collector: NSObject, XMLParserDelegate {
            var elements: [Element] = []
            var open: [Int] = []

            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                        qualifiedName: String?, attributes: [String: String] = [:]) {
                open.append(elements.count)
                elements.append(Element(name: name, attributes: attributes, text: ""))
            }

            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
                open.removeLast()
            }

            func parser(_ parser: XMLParser, foundCharacters string: String) {
                if let current = open.last { elements[current].text += string }
            }
        }
        let collector = Collector()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = collector
        guard parser.parse() else { return nil }
        elements = collector.elements
    }

    func elements(named name: String) -> [Element] { elements.filter { $0.name == name } }

    /// The texts of the `<text>` elements: a chart's title, labels, ticks and legend.
    var texts: [String] { elements(named: "text").map(\.text) }
}
