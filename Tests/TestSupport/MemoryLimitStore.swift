import PasswordlessAuth
import Synchronization

/// The shared limits in memory, with the semantics of the DynamoDB store: all counters of a send or none, a plain
/// counter full at its limit, a balanced one (the conversion brake) judged by its balance once it reached its limit,
/// each in the window that holds `now`. Sharded counters are kept whole. For simulations of many sign-ups in-process;
/// the DynamoDB store itself is tested against moto.
package final class MemoryLimitStore: LimitStore, Sendable {
    private struct Item {
        var count = 0
        var balance = 0
    }

    private let items = Mutex<[String: Item]>([:])

    package init() {}

    private static func key(_ counter: LimitCounter, now: Int64) -> String {
        "\(counter.kind.rawValue)#\(counter.windowStart(at: now))#\(counter.identity)"
    }

    package func consume(_ counters: [LimitCounter], now: Int64, deadlineEpochMs: Int64) throws -> LimitDecision {
        items.withLock { items in
            for counter in counters {
                let item = items[Self.key(counter, now: now)] ?? Item()
                let full = counter.balanceWeight == nil ? item.count >= counter.limit : item.count >= counter.limit && item.balance > 0
                if full {
                    let retry = counter.windowStart(at: now) + Int64(counter.windowSeconds) - now
                    return .denied(counter: counter.kind, retryAfterSeconds: Int(max(1, retry)))
                }
            }
            for counter in counters {
                items[Self.key(counter, now: now), default: Item()].count += 1
                items[Self.key(counter, now: now), default: Item()].balance += counter.balanceWeight ?? 0
            }
            return .allowed
        }
    }

    package func recordVerified(_ counters: [LimitCounter], now: Int64, deadlineEpochMs: Int64) throws {
        items.withLock { items in
            for counter in counters where counter.balanceWeight != nil {
                items[Self.key(counter, now: now), default: Item()].balance -= 100
            }
        }
    }
}
