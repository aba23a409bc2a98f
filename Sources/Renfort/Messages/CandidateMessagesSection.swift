import Foundation

/// The candidate page's messages: those sent (date, author, channel, text), how a new one would
/// go, and the form that starts it from a template.
struct CandidateMessagesSection: Sendable {
    struct Row: Sendable {
        let at: String
        let author: String
        let kind: String
        let channel: String
        let subject: String?
        let body: String
        let attachment: Bool
    }

    let rows: [Row]
    let hasRows: Bool
    let reach: String
    let reachable: Bool
    let unreachable: Bool
    let writeAction: String
    let kinds: [Option]

    init(_ messages: [SentMessage], candidate: Candidate, writeAction: String) {
        self.rows = messages.map {
            Row(
                at: Formats.dateTime($0.at), author: $0.author, kind: $0.kind.label, channel: "\($0.channel.label) à \($0.recipient)",
                subject: $0.channel == .email ? $0.subject : nil, body: $0.body, attachment: $0.hasAttachment)
        }
        self.hasRows = !messages.isEmpty
        let reach = CandidateReach.of(email: candidate.email, phone: candidate.phone)
        self.reach = reach.phrase
        self.reachable = reach != .none && candidate.mergedInto == nil
        self.unreachable = reach == .none && candidate.mergedInto == nil
        self.writeAction = writeAction
        self.kinds = MessageKind.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == .free) }
    }
}
