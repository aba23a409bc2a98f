import Foundation

/// An interview as an iCalendar file (RFC 5545): one VEVENT in Europe/Paris time, with
/// the time zone described so that any calendar reads it right.
enum InterviewCalendar {
    static func invitation(interview: Interview, candidate: String, need: String, business: String, host: String, now: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Day.parisTime
        let start = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: interview.startsAt)
        func local(_ c: DateComponents) -> String {
            String(format: "%04d%02d%02dT%02d%02d00", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
        }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let stamp = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now)
        let dtstamp = String(format: "%04d%02d%02dT%02d%02d%02dZ", stamp.year ?? 0, stamp.month ?? 0, stamp.day ?? 0, stamp.hour ?? 0, stamp.minute ?? 0, stamp.second ?? 0)
        var description = "Entretien pour le poste «\u{00A0}\(need)\u{00A0}» chez \(business). Modalité : \(interview.mode.label)."
        if !interview.attendees.isEmpty { description += " Participants : \(interview.attendees)." }
        let lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Renfort//Entretiens//FR",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "BEGIN:VTIMEZONE",
            "TZID:Europe/Paris",
            "BEGIN:DAYLIGHT",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0200",
            "TZNAME:CEST",
            "DTSTART:19700329T020000",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
            "END:DAYLIGHT",
            "BEGIN:STANDARD",
            "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0100",
            "TZNAME:CET",
            "DTSTART:19701025T030000",
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
            "END:STANDARD",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            "UID:entretien-\(interview.id)@\(host)",
            "DTSTAMP:\(dtstamp)",
            "DTSTART;TZID=Europe/Paris:\(local(start))",
            "DURATION:PT\(interview.durationMinutes)M",
            "SUMMARY:\(escape("Entretien : \(candidate) — \(need)"))",
            "LOCATION:\(escape(interview.place))",
            "DESCRIPTION:\(escape(description))",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// TEXT values: backslash, semicolon, comma and newlines escaped.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Lines longer than 75 octets continue on the next line after a space, never inside a character.
    static func fold(_ line: String) -> String {
        var result = ""
        var count = 0
        for character in line {
            let size = String(character).utf8.count
            if count + size > 75 {
                result += "\r\n "
                count = 1
            }
            result.append(character)
            count += size
        }
        return result
    }
}
