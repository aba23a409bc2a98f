import Foundation
import Mustache
import Testing

@testable import Renfort

/// What `{{…}}` writes into a page: the five characters of HTML escaped, byte by byte.
@Suite struct HTMLEscapeTests {
    @Test func escapesTheFiveCharactersAndNothingElse() {
        #expect(HTML.escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;")
        #expect(HTML.escape("Cahors — Lot, 46000, é") == "Cahors — Lot, 46000, é")
        #expect(HTML.escape("") == "")
        // A quote followed by a combining accent is one character: mustache's own escaping
        // compared whole characters and let it through, closing the attribute it was in.
        #expect(HTML.escape("x\"\u{301} onmouseover=alert(1) y=\"") == "x&quot;\u{301} onmouseover=alert(1) y=&quot;")
        #expect(HTML.escape("<\u{338}script>") == "&lt;\u{338}script&gt;")
    }

    @Test func optionsAndLinksAreEscaped() {
        let options = [Option(value: "1\"", label: "<b>Trop loin</b>", selected: false), Option(value: "2", label: "L'été", selected: true)]
        #expect(HTML.options(options) == "<option value=\"1&quot;\">&lt;b&gt;Trop loin&lt;/b&gt;</option><option value=\"2\" selected>L&#39;été</option>")
        let links = Layout.links([NavItem(label: "A & B", href: "/c/x?a=1&b=2", current: true), NavItem(label: "C", href: "/c", current: false)])
        #expect(links == "<li><a href=\"/c/x?a=1&amp;b=2\" aria-current=\"page\">A &amp; B</a></li><li><a href=\"/c\">C</a></li>")
    }

    @Test func templatesWithThePragmaUseIt() throws {
        EscapedHTML.register()
        let attribute = "\"\u{301} onmouseover=alert(1) x=\""
        let ours = try MustacheTemplate(string: "{{% CONTENT_TYPE: HTML}}\n<a title=\"{{t}}\">")
        #expect(ours.render(["t": attribute]) == "<a title=\"&quot;\u{301} onmouseover=alert(1) x=&quot;\">")
        // Through MustacheModel's text values too, and in a section.
        let boxed = MustacheModel.box(["t": attribute, "items": ["<b>", "&"]] as [String: Any])
        let section = try MustacheTemplate(string: "{{% CONTENT_TYPE: HTML}}\n{{t}}|{{#items}}{{.}};{{/items}}")
        #expect(section.render(boxed) == "&quot;\u{301} onmouseover=alert(1) x=&quot;|&lt;b&gt;;&amp;;")
        // Without it, mustache's own escaping lets the quote through: why every template has it.
        let plain = try MustacheTemplate(string: "<a title=\"{{t}}\">")
        #expect(plain.render(["t": attribute]) == "<a title=\"\"\u{301} onmouseover=alert(1) x=&quot;\">")
    }

    /// Mustache starts every template it reads with its own escaping: the layout and each
    /// partial must switch to ours, and every page must be drawn inside the layout.
    @Test func everyTemplateEscapesWithOurs() throws {
        let root = TestEnvironment.repositoryRoot + "/templates"
        let files = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".mustache") }
        #expect(files.count > 30)
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            let ok = text.hasPrefix("{{% CONTENT_TYPE: HTML}}\n") || text.hasPrefix("{{<shell}}")
            #expect(ok, "\(file) neither begins with the content type pragma nor draws itself in the layout")
        }
    }
}
