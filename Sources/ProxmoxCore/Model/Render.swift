import Foundation

/// Figures in the one-line texts of results, written alike everywhere.
public enum Render {
    public static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }
    public static func gib(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1_073_741_824) }
    public static func count(_ number: Double) -> String { String(format: "%.0f", number) }
    public static func duration(_ seconds: Int64) -> String {
        let days = seconds / 86_400, hours = (seconds % 86_400) / 3600, minutes = (seconds % 3600) / 60
        return days > 0 ? "\(days)d \(hours)h" : "\(hours)h \(minutes)m"
    }
}
