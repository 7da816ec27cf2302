/// v1 `cpuacct` controller: the group's total CPU time.
enum V1CPUAcct {
    static let name = "cpuacct"
    static let usageFile = "cpuacct.usage"

    static let shownFiles = [usageFile]

    /// Nanoseconds of CPU used by every task in the group, ever.
    static func readUsageNs(in dir: String) throws -> UInt64 {
        try KernelRead.number(dir + "/" + usageFile)
    }
}
