/// Markup written in Swift rather than by mustache, for the largest repeated parts of a few
/// pages (mustache looks each name up by reflection and escapes character by character).
/// Everything that comes from data goes through `escape`, which escapes exactly what
/// mustache's `{{…}}` escapes.
enum HTML {
    static func escape(_ text: String) -> String {
        // Most texts have nothing to escape: return them as they are.
        guard text.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
