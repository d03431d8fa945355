package dev.ember.api.attachment;

import dev.ember.api.http.ApiException;
import dev.ember.common.attachment.Attachment;
import dev.ember.common.context.RequestContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cinder's {@code attachment_deletion_allowed} (bug #2004555): an attachment connected to a server may only be
 * deleted (or the volume detached) by a request carrying a service token with one of
 * {@code [keystone_authtoken] service_token_roles}, i.e. by Nova; anyone else gets 409 "Detach volume from instance
 * ... using the Compute API". Attachments without a server or without connection info may always go.
 * <p>
 * Cinder then asks Nova whether it still uses the attachment and allows the delete when Nova does not know it.
 * Ember does not call Nova: a connected attachment with a server counts as in use (an admin can still
 * {@code os-force_detach}). With {@code noauth} there are no service tokens and the guard is off.
 *
 * @param enabled whether the guard applies (Keystone authentication)
 * @param serviceTokenRoles the roles that make a service token Nova's
 */
public record AttachmentGuard(boolean enabled, List<String> serviceTokenRoles) {

    private static final Logger LOG = LoggerFactory.getLogger(AttachmentGuard.class);

    public static final AttachmentGuard OFF = new AttachmentGuard(false, List.of());

    public AttachmentGuard {
        serviceTokenRoles = List.copyOf(serviceTokenRoles);
    }

    /** Cinder's {@code is_service_request}. */
    public boolean isServiceRequest(RequestContext context) {
        return context.serviceRoles().stream().anyMatch(serviceTokenRoles::contains);
    }

    /** Refuses (409) the deletion of {@code attachment} unless it is allowed. */
    public void requireDeletionAllowed(RequestContext context, Attachment attachment) {
        if (!enabled || isServiceRequest(context) || attachment == null) {
            return;
        }
        if (attachment.instanceUuid() == null || !attachment.hasConnection()) {
            return;
        }
        LOG.error("Detected user call to delete in-use attachment {}. Call must come from the nova service and nova "
                + "must be configured to send the service token. Bug #2004555", attachment.id());
        throw inUse(attachment.instanceUuid());
    }

    /** The volume-level form ({@code os-detach} without an attachment id): decided when there is exactly one. */
    public void requireDetachAllowed(RequestContext context, List<Attachment> attachments, String attachmentId) {
        if (!enabled || isServiceRequest(context)) {
            return;
        }
        Attachment chosen = attachmentId != null
                ? attachments.stream().filter(a -> a.id().equals(attachmentId)).findFirst().orElse(null)
                : attachments.size() == 1 ? attachments.get(0) : null;
        if (chosen == null && attachmentId == null && !attachments.isEmpty()) {
            throw inUse(""); // several attachments and none named: Cinder cannot tell the server either
        }
        requireDeletionAllowed(context, chosen);
    }

    /** Cinder's {@code ConflictNovaUsingAttachment}. */
    private static ApiException inUse(String serverId) {
        return ApiException.conflict("Detach volume from instance " + serverId + " using the Compute API");
    }
}
