import Hummingbird

extension Response {
    /// 303 See Other: what a POST that changed something answers.
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
