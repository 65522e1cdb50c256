import Foundation
import PVESimulator

// Multi-call binary: installed (or symlinked) as `pvesh`, `qm` and `pct`, it acts as the program
// it was called as. This is a SIMULATED Proxmox VE host, for demos and tests only.
let environment = ProcessInfo.processInfo.environment
var arguments = Array(CommandLine.arguments.dropFirst())
var program = URL(fileURLWithPath: CommandLine.arguments[0]).lastPathComponent
if program == "pve-sim" {
    // `pve-sim pvesh get /nodes ...`: the program name comes first.
    program = arguments.first ?? ""
    arguments = Array(arguments.dropFirst())
}
let store = StateStore.fromEnvironment(environment)
if let delay = SimulatorCLI.startupDelay(program: program, environment: environment) {
    // The host-cost model: a real host's Perl start, felt as time, not as CPU.
    usleep(UInt32(delay.components.seconds * 1_000_000 + delay.components.attoseconds / 1_000_000_000_000))
}
if let log = environment["PVE_SIM_ARGV_LOG"], !log.isEmpty {
    // For tests: the argv exactly as received, one JSON array per line (O_APPEND: one write per line).
    let line = (try? JSONEncoder().encode([program] + arguments)).map { $0 + Data("\n".utf8) } ?? Data()
    let descriptor = open(log, O_WRONLY | O_APPEND | O_CREAT, 0o600)
    if descriptor >= 0 {
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }
}
let faults = SimulatorCLI.faults(environment: environment, store: store)
if SimulatorCLI.shouldHang(program: program, arguments: arguments, faults: faults) {
    // A fault for tests: a command that never finishes, until its session is gone (as SIGHUP would
    // end it on a real host), so test runs leave no orphans behind.
    let parent = getppid()
    while getppid() == parent { sleep(1) }
    exit(129)
}
let output = SimulatorCLI.run(program: program, arguments: arguments, environment: environment, store: store,
                              faults: faults)
FileHandle.standardOutput.write(Data(output.stdout))
FileHandle.standardError.write(Data(output.stderr))
exit(output.exitStatus)
