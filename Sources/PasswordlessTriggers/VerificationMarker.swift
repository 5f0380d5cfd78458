import LambdaRuntime
import PasswordlessAuth

/// Marks a user's attribute verified in the user pool, after the first right code sent to it.
package protocol VerificationMarker: Sendable {
    /// Sets `<attribute>_verified` to `true` for the user, and nothing else.
    /// - Throws: `TriggerError.markingFailed` with what the call reported; the sign-in goes on regardless.
    func markVerified(
        _ target: FirstSignInVerification.Target, userPoolID: String, userName: String, deadlineEpochMs: Int64
    ) throws(TriggerError)
}

extension VerifyHandler {
    /// Marks the destination of a right code verified when create noted it as unverified. A failure is logged and
    /// counted (`VerificationFailures`) and never fails the sign-in: the user did prove the destination.
    func markIfFirstRightCode(_ event: VerifyAuthChallengeEvent, context: InvocationContext) {
        guard let target = FirstSignInVerification.target(of: event.request) else { return }
        let attribute = LogValue.string(target.attribute)
        // Masked as the client saw it (emails in lower case).
        let destination = LogValue.string(CreateAuthChallenge.mask(target.channel, target.destination))
        do throws(TriggerError) {
            guard let marker else {
                throw TriggerError.markingFailed(
                    DeliveryFailure(kind: .rejected, detail: "verify has no marker: OTP_REQUIRE_VERIFIED is not first-sign-in here"))
            }
            let deadline = CreateHandler.sendingDeadline(
                context.metadata.deadlineEpochMs, callerWaitingSince: context.callerWaitingSinceEpochMs)
            try marker.markVerified(target, userPoolID: event.userPoolId, userName: event.userName, deadlineEpochMs: deadline)
            context.logger.info("destination marked verified", ["attribute": attribute, "destination": destination])
            context.logger.emit([Metric("DestinationsVerified")], dimensions: ["Function": Self.logName])
        } catch {
            let failure = error.deliveryFailure
            context.logger.warn(
                "destination not marked verified",
                [
                    "attribute": attribute, "destination": destination, "error": .string(failure?.detail ?? error.description),
                    "awsErrorCode": .string(failure?.awsErrorCode ?? "none"),
                ])
            context.logger.emit([Metric("VerificationFailures")], dimensions: ["Function": Self.logName])
        }
    }
}
