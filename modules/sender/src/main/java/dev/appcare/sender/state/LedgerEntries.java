package dev.appcare.sender.state;

import dev.appcare.avro.LedgerState;
import dev.appcare.avro.SendLedgerEntry;
import java.time.Duration;

/**
 * The entries of {@code sender.ledger.v1} ({@link SendLedger}): how they are made, what they mean, and the
 * fence rule that decides which claim counts ({@link #claimCounts}). Plain functions, table-tested.
 */
public final class LedgerEntries {
    private LedgerEntries() {
    }

    /**
     * The fence of the ledger: whether an entry read from the log replaces the current one. Everything
     * does, except an {@code ATTEMPTING} claim, which counts only if the id has no entry (never attempted,
     * or tombstoned after a retriable answer) or if it supersedes exactly the claim now recorded (a resend
     * of an in-doubt id). Two instances that claim the same id — a zombie and the new owner, or two
     * resolvers of one in-doubt id — are thus ordered by the log: the first claim counts, the other loses,
     * and only the winner calls WhatsApp. Entries without a claim (senders before the field) always count.
     * A redrive (an operator's explicit retry of a dead-lettered id) claims superseding the DROPPED entry
     * it arrived over, named by {@link #dropMark}: it counts only while exactly that entry is recorded, so
     * of two redrive claims, too, only the first in the log counts.
     */
    public static boolean claimCounts(SendLedgerEntry current, SendLedgerEntry incoming) {
        if (isEvidence(incoming)) {
            // A status webhook's proof of acceptance: it beats every state but an ACCEPTED (keep that one's
            // wamid and expiry).
            return current == null || current.getState() != LedgerState.ACCEPTED;
        }
        if (isInDoubtResolution(incoming)) {
            // The in-doubt policy's give-up resolves an unanswered claim; it must not undo evidence
            // (a status webhook's ACCEPTED) that reached the log first.
            return current == null || current.getState() != LedgerState.ACCEPTED;
        }
        if (incoming.getState() != LedgerState.ATTEMPTING || incoming.getClaim() == null) {
            return true;
        }
        if (current == null) {
            return true;
        }
        String superseded = incoming.getSupersedesClaim();
        if (superseded == null) {
            return false;
        }
        return switch (current.getState()) {
            case ATTEMPTING -> superseded.equals(current.getClaim() == null ? UNNAMED_CLAIM : current.getClaim());
            case DROPPED -> superseded.equals(dropMark(current));
            case ACCEPTED -> false;
        };
    }

    /** The DROPPED reason of an in-doubt id the in-doubt policy resolved by not resending it. */
    public static final String IN_DOUBT_NOT_RESENT = "in-doubt-not-resent";

    /** The reason of an ACCEPTED entry written from a status webhook rather than from the call's answer. */
    public static final String WEBHOOK_EVIDENCE = "webhook-evidence";

    /**
     * How long evidence written for an id the writer does not hold is remembered (its expiresAt is not
     * known there): longer than a request lives on the request topic (half the erasure bound, 12 h by default).
     */
    public static final Duration EVIDENCE_LIFETIME = Duration.ofHours(48);

    /** An ACCEPTED entry proved by a status webhook. */
    public static SendLedgerEntry evidence(String messageId, long at, String wamid, long expiresAt) {
        return SendLedgerEntry.newBuilder(entry(messageId, LedgerState.ACCEPTED, at, wamid, expiresAt))
                .setReason(WEBHOOK_EVIDENCE).build();
    }

    static boolean isEvidence(SendLedgerEntry entry) {
        return entry.getState() == LedgerState.ACCEPTED && WEBHOOK_EVIDENCE.equals(entry.getReason());
    }

    /** Whether {@code entry} is an in-doubt id given up by the in-doubt policy (WhatsApp may have it). */
    public static boolean isInDoubtResolution(SendLedgerEntry entry) {
        return entry != null && entry.getState() == LedgerState.DROPPED && IN_DOUBT_NOT_RESENT.equals(entry.getReason());
    }

    /** What a resend names as superseded when the in-doubt entry has no claim id (written before claims). */
    public static final String UNNAMED_CLAIM = "-";

    /**
     * What a redrive's claim names as superseded when it retries the id over the DROPPED entry
     * {@code dropped}: {@code DROPPED@<at epoch ms>}, so it supersedes that drop and no later one.
     */
    public static String dropMark(SendLedgerEntry dropped) {
        return "DROPPED@" + dropped.getAt().toEpochMilli();
    }

    public static SendLedgerEntry entry(String messageId, LedgerState state, long at, String wamid, long expiresAt) {
        return SendLedgerEntry.newBuilder().setMessageId(messageId).setState(state)
                .setAt(java.time.Instant.ofEpochMilli(at)).setWamid(wamid)
                .setExpiresAt(java.time.Instant.ofEpochMilli(expiresAt)).build();
    }

    /** A DROPPED entry with the reason it was dropped for. */
    public static SendLedgerEntry dropped(String messageId, long at, long expiresAt, String reason) {
        return SendLedgerEntry.newBuilder(entry(messageId, LedgerState.DROPPED, at, null, expiresAt)).setReason(reason)
                .build();
    }

    /** An ATTEMPTING claim; {@code supersedes} is the in-doubt claim it replaces, or null. */
    public static SendLedgerEntry attempt(String messageId, long at, long expiresAt, String claim, String supersedes) {
        return SendLedgerEntry.newBuilder(entry(messageId, LedgerState.ATTEMPTING, at, null, expiresAt))
                .setClaim(claim).setSupersedesClaim(supersedes).build();
    }
}
