import Foundation

/// Figures in the one-line texts of results, written alike everywhere.
public enum Render {
    public static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }
    public static func gib(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1_073_741_824) }
    public static func count(_ number: Double) -> String { String(format: "%.0f", number) }
    /// `YYYY-MM-DD HH:MM:SS` in UTC, as qm/pct print times (the host's zone is unknown).
    public static func utc(_ seconds: Int64) -> String {
        utcFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// The seconds since the epoch of a `YYYY-MM-DD HH:MM:SS` time read as UTC.
    public static func utcSeconds(_ text: String) -> Int64? {
        utcFormatter().date(from: text).map { Int64($0.timeIntervalSince1970) }
    }

    private static func utcFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }

    public static func duration(_ seconds: Int64) -> String {
        let days = seconds / 86_400, hours = (seconds % 86_400) / 3600, minutes = (seconds % 3600) / 60
        return days > 0 ? "\(days)d \(hours)h" : "\(hours)h \(minutes)m"
    }
}
