/// The rules a new password must follow, with the message shown when it does not.
enum PasswordPolicy {
    static let minimumLength = 12
    /// Bcrypt reads 72 bytes at most: longer passwords would be silently cut.
    static let maximumBytes = 72

    /// Passwords of at least 12 characters that appear in leaked-password lists, lower-cased.
    static let common: Set<String> = [
        "123456789012", "1234567890123", "12345678901234", "123456789123", "000000000000",
        "111111111111", "123123123123", "azertyuiop12", "azertyuiopqs", "azertyuiop123",
        "qwertyuiop12", "qwertyuiop123", "qwertyuiopas", "password1234", "password12345",
        "motdepasse12", "motdepasse123", "motdepasse1234", "motdepasse!!", "passwordpassword",
        "iloveyou1234", "jetaime12345", "soleil123456", "bonjour12345", "azerty123456",
        "qwerty123456", "abcdefghijkl", "abcdef123456", "abc123abc123", "aaaaaaaaaaaa",
        "administrateur", "administrator", "welcome12345", "bienvenue123", "bienvenue1234",
        "changeme1234", "motdepasse2024", "motdepasse2025", "motdepasse2026", "renfort12345",
        "renfort2026!!", "1q2w3e4r5t6y", "zaq12wsxcde3", "1qaz2wsx3edc", "football1234",
        "marseille1234", "doudou123456", "chouchou1234", "loulou123456", "princesse123",
    ]

    /// Nil if the password is acceptable, else why not, in French.
    static func problem(with password: String, email: String) -> String? {
        if password.count < minimumLength {
            return "Le mot de passe doit contenir au moins \(minimumLength) caractères."
        }
        if password.utf8.count > maximumBytes {
            return "Le mot de passe ne peut pas dépasser \(maximumBytes) octets (environ 70 caractères)."
        }
        let lowered = password.lowercased()
        if common.contains(lowered) || Set(lowered).count <= 2 {
            return "Ce mot de passe est trop courant : choisissez-en un autre, par exemple une phrase de plusieurs mots."
        }
        let local = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
        if local.count >= 4 && lowered.contains(local) {
            return "Le mot de passe ne doit pas contenir votre adresse e-mail."
        }
        return nil
    }
}
