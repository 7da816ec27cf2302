/// The last minute of one container's CPU and throttling, for the sparklines and the detail graphs.
public struct History: Equatable, Sendable {
    public struct Point: Equatable, Sendable {
        /// Monotonic seconds.
        public var time: Double
        public var cpuPercent: Double
        public var throttledPercent: Double
    }

    /// How far back the graphs look.
    public static let window = 60.0
    /// Bounds memory when the refresh interval is tiny.
    static let capacity = 1200

    public private(set) var points: [Point] = []

    public init() {}

    public mutating func record(time: Double, cpuPercent: Double, throttledPercent: Double) {
        if let last = points.last, time < last.time { points.removeAll() }  // clock went back: start over
        points.append(Point(time: time, cpuPercent: cpuPercent, throttledPercent: throttledPercent))
        let horizon = time - History.window - 1
        if let keep = points.firstIndex(where: { $0.time >= horizon }), keep > 0 {
            points.removeFirst(keep)
        }
        if points.count > History.capacity { points.removeFirst(points.count - History.capacity) }
    }

    /// The window ending at `now` cut into `buckets` equal slices, oldest first; each slice holds
    /// the mean of the values measured in it, or the last value measured before it when none fell
    /// in it (the value held until the next sample), or nil before the first sample.
    public func resample(buckets: Int, now: Double, value: (Point) -> Double) -> [Double?] {
        guard buckets > 0 else { return [] }
        let width = History.window / Double(buckets)
        let start = now - History.window
        var result = [Double?](repeating: nil, count: buckets)
        var index = 0
        var held: Double? = nil
        while index < points.count && points[index].time <= start {
            held = value(points[index])
            index += 1
        }
        for bucket in 0..<buckets {
            let end = start + Double(bucket + 1) * width
            var sum = 0.0
            var count = 0
            while index < points.count && points[index].time <= end + 1e-9 {
                let v = value(points[index])
                sum += v
                count += 1
                held = v
                index += 1
            }
            result[bucket] = count > 0 ? sum / Double(count) : held
        }
        return result
    }
}
