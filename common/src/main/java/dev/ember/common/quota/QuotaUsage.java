package dev.ember.common.quota;

/** One resource of a project: its limit (-1 for none) and what is used and reserved of it. */
public record QuotaUsage(int limit, int inUse, int reserved) {
}
