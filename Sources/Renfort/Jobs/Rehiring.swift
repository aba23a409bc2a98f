import Foundation
import Logging
import PostgresNIO

/// Someone who worked a season before, proposed for a need's season: in the need's business
/// first, then on similar needs of the centre (the same ROME family).
struct PastSeasonWorker: Sendable, Equatable {
    let candidateID: Int64
    let name: String
    let commune: String
    /// Their last seasonal employment: where, as what, when.
    let businessName: String
    let needTitle: String
    let start: Day
    let end: Day
    /// They worked a season in the need's own business (their last one or an earlier one).
    let workedHere: Bool
    /// The same ROME job as the need (not only its family).
    let sameJob: Bool
    /// A CDI running elsewhere: who employs them now.
    let employedBy: String?
    let onBoard: Bool
    /// They can be reached by e-mail or SMS.
    let reachable: Bool
}

/// Last season's people for a need: who worked a seasonal job in the business, or on a need
/// of the same ROME family in the centre, whose last seasonal employment ended as planned
/// (the contract's end, not the trial nor a resignation) and whose last check-in said it was
/// going well. Invited by a message and put on the board in one step.
enum Rehiring {
    static let limit = 100

    /// One row per person, their last seasonal employment in scope; those who worked in the
    /// business first. "Ended as planned": the end recorded as the fixed term's, or the planned
    /// end passed with no other end recorded. The last check-in is the last one done that says
    /// how things go (one recording the end itself aside).
    static func workers(needID: Int64, today: Day, on connection: PostgresConnection, logger: Logger) async throws -> [PastSeasonWorker] {
        let seasonal = ContractKind.seasonalCDD.rawValue, planned = EndReason.fixedTermEnd.rawValue
        let onTrack = CheckIn.Status.onTrack.rawValue, ended = CheckIn.Status.ended.rawValue
        let permanent = [ContractKind.cdi.rawValue, ContractKind.sharedTime.rawValue]
        return try await connection.rows(
            """
            WITH need AS (SELECT n.id, n.business_id, n.rome_code, left(n.rome_code, 3) AS family FROM job_needs n WHERE n.id = \(needID)),
            seasons AS (
                SELECT p.id, p.tenant_id, p.candidate_id, p.business_id, p.start_date, coalesce(p.ended_on, p.end_date) AS end_day,
                       p.ended_on, p.end_reason, p.end_date, pn.title, pn.rome_code = need.rome_code AS same_job,
                       row_number() OVER (PARTITION BY p.candidate_id ORDER BY p.start_date DESC, p.id DESC) AS latest,
                       bool_or(p.business_id = need.business_id) OVER (PARTITION BY p.candidate_id) AS worked_here
                FROM need JOIN placements p ON p.need_id <> need.id
                JOIN job_needs pn ON pn.tenant_id = p.tenant_id AND pn.id = p.need_id
                WHERE (p.contract_kind = \(seasonal) OR pn.season_start IS NOT NULL)
                  AND (p.business_id = need.business_id OR left(pn.rome_code, 3) = need.family)),
            proposed AS (
                SELECT s.* FROM seasons s
                WHERE s.latest = 1
                  AND (s.end_reason = \(planned) OR (s.ended_on IS NULL AND s.end_date < \(today)::date))
                  AND (SELECT k.status FROM check_ins k
                       WHERE k.tenant_id = s.tenant_id AND k.placement_id = s.id AND k.done_on IS NOT NULL AND k.status <> \(ended)
                       ORDER BY k.done_on DESC, k.id DESC LIMIT 1) = \(onTrack))
            SELECT s.candidate_id, c.first_name || ' ' || c.last_name AS name, c.commune_name, b.name AS business_name, s.title,
                   s.start_date, s.end_day, s.worked_here, coalesce(s.same_job, false) AS same_job,
                   (SELECT e.name FROM placements x JOIN businesses e ON e.tenant_id = x.tenant_id AND e.id = x.business_id
                    WHERE x.tenant_id = s.tenant_id AND x.candidate_id = s.candidate_id AND x.contract_kind = ANY (\(permanent)) AND x.ended_on IS NULL
                    ORDER BY x.start_date DESC LIMIT 1) AS employed_by,
                   EXISTS (SELECT 1 FROM applications a WHERE a.tenant_id = s.tenant_id AND a.need_id = \(needID) AND a.candidate_id = s.candidate_id) AS on_board,
                   c.email, c.phone
            FROM proposed s JOIN candidates c ON c.tenant_id = s.tenant_id AND c.id = s.candidate_id
            JOIN businesses b ON b.tenant_id = s.tenant_id AND b.id = s.business_id
            WHERE c.merged_into IS NULL AND c.erased_at IS NULL
            ORDER BY s.worked_here DESC, coalesce(s.same_job, false) DESC, s.start_date DESC, name, s.candidate_id
            LIMIT \(limit)
            """, logger: logger
        ) { row in
            PastSeasonWorker(
                candidateID: try row.get("candidate_id"), name: try row.get("name"), commune: try row.get("commune_name"),
                businessName: try row.get("business_name"), needTitle: try row.get("title"), start: try row.get("start_date"),
                end: try row.get("end_day"), workedHere: try row.get("worked_here"), sameJob: try row.get("same_job"),
                employedBy: try row.get("employed_by"), onBoard: try row.get("on_board"), reachable: CandidateReach.of(email: try row.get("email"), phone: try row.get("phone")) != .none)
        }
    }

    /// What an invitation did: how many were put on the board, and how many were sent the message.
    struct Invited: Sendable, Equatable {
        let added: Int
        let told: Int
        let count: Int
    }

    /// Puts `candidates` (each one of `workers`) on need `needID`'s board at « Repéré » and sends
    /// each the centre's rehire message about the need, in one transaction: sent twice, nobody is
    /// added nor told twice. Nil when the need is not the centre's.
    static func invite(
        needID: Int64, candidates: [Int64], today: Day, sender: CandidateMessages.Sender, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Result<Invited, Matching.Refusal>? {
        guard let need = try await JobNeedRepository.find(id: needID, businessID: nil, forUpdate: true, on: connection, logger: logger) else { return nil }
        guard need.status.isOpen else { return .failure(.closed(need.status.label)) }
        let proposed = Set(try await workers(needID: needID, today: today, on: connection, logger: logger).map(\.candidateID))
        let wanted = Set(candidates).sorted()
        guard wanted.allSatisfy(proposed.contains) else { return .failure(.unknownCandidate) }
        let template = try await MessageRepository.template(.rehire, on: connection, logger: logger)
        var added = 0, told = 0
        for id in wanted {
            let created = try await ApplicationRepository.create(
                needID: needID, candidateID: id, tenantID: sender.tenantID, actorID: sender.userID, now: now, on: connection, logger: logger)
            if created != nil { added += 1 }
            var application = created
            if application == nil { application = try await ApplicationRepository.id(needID: needID, candidateID: id, on: connection, logger: logger) }
            guard let application, let recipient = try await MessageRepository.recipient(applicationID: application, on: connection, logger: logger)
            else { continue }
            if try await CandidateMessages.send(
                .rehire, template.text, to: recipient, from: sender, dedupeKey: "reembauche:\(needID):\(id)", now: now, on: connection, logger: logger)
            {
                told += 1
            }
        }
        return .success(Invited(added: added, told: told, count: wanted.count))
    }
}
