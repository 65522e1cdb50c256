import Testing

@Suite struct StorageTests {
    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_storage_list", ["node": "pve1.example.lan"], both: ["pvesh get /nodes/pve1/storage --output-format json"]),
        GoldenRow("proxmox_storage_list", [:], both: ["pvesh get /cluster/resources --type storage --output-format json"]),
        GoldenRow("proxmox_storage_content", ["storage": "local", "content": "vztmpl"],
                  both: ["pvesh get /nodes/pve1/storage/local/content --content vztmpl --output-format json"]),
    ]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }
}
