package dev.ember.api.http;

import dev.ember.common.attachment.AttachmentRepository;
import dev.ember.common.rpc.CinderFault;
import dev.ember.common.rpc.Retriable;
import dev.ember.common.rpc.RpcTimeoutException;
import dev.ember.common.volume.VolumeRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import dev.ember.common.quota.QuotaExceededException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every failure becomes a Cinder-shaped answer: API errors with their own status, unknown routes and
 * methods the webob 404 Cinder's router gives, an unreachable database or broker a 503, and anything
 * unexpected Cinder's 500 {@code computeFault} without internals (the details go to the log).
 */
@RestControllerAdvice
public class FaultAdvice {

    private static final Logger LOG = LoggerFactory.getLogger(FaultAdvice.class);

    @ExceptionHandler(ApiException.class)
    public ResponseEntity<byte[]> api(ApiException e) {
        return Faults.entity(e);
    }

    /** What a volume service refused over RPC: Cinder's status for the exception class, its message. */
    @ExceptionHandler(CinderFault.class)
    public ResponseEntity<byte[]> fault(CinderFault e) {
        if (e.kind().httpStatus() >= 500) {
            LOG.warn("volume service: {}", e.getMessage());
        }
        return Faults.entity(new ApiException(e.kind().httpStatus(), e.getMessage()));
    }

    /** Cinder's {@code QuotaError}s: 413 with the exception's name before its message, as Cinder's fault wrapper. */
    @ExceptionHandler(QuotaExceededException.class)
    public ResponseEntity<byte[]> quota(QuotaExceededException e) {
        return Faults.entity(new ApiException(413, e.apiMessage()));
    }

    @ExceptionHandler(AttachmentRepository.NotFoundException.class)
    public ResponseEntity<byte[]> attachmentMarker(AttachmentRepository.NotFoundException e) {
        return Faults.entity(ApiException.notFound(e.getMessage()));
    }

    @ExceptionHandler(dev.ember.common.snapshot.SnapshotRepository.MarkerNotFoundException.class)
    public ResponseEntity<byte[]> snapshotMarker(RuntimeException e) {
        return Faults.entity(ApiException.notFound(e.getMessage()));
    }

    @ExceptionHandler(VolumeRepository.MarkerNotFoundException.class)
    public ResponseEntity<byte[]> marker(VolumeRepository.MarkerNotFoundException e) {
        return Faults.entity(ApiException.volumeNotFound(e.marker()));
    }

    @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class,
            HttpRequestMethodNotSupportedException.class})
    public ResponseEntity<byte[]> noRoute(Exception e) {
        return ResponseEntity.status(404).contentType(MediaType.APPLICATION_JSON).body(Faults.routeNotFoundBody());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    public ResponseEntity<byte[]> mediaType(HttpMediaTypeNotSupportedException e) {
        return Faults.entity(new ApiException(415, "Unsupported Content-Type"));
    }

    /** A multipart/form-data body (no route takes one) that cannot even be split: Cinder's bad body. */
    @ExceptionHandler(MultipartException.class)
    public ResponseEntity<byte[]> multipart(MultipartException e) {
        return Faults.entity(ApiException.badRequest("Malformed request body"));
    }

    @ExceptionHandler(RpcTimeoutException.class)
    public ResponseEntity<byte[]> timeout(RpcTimeoutException e) {
        LOG.warn("RPC timed out: {}", e.getMessage());
        return Faults.entity(new ApiException(503, "The volume service did not answer in time; try again later."));
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<byte[]> unexpected(Exception e) {
        if (Retriable.isRetriable(e)) {
            LOG.warn("a dependency is unavailable: {}", e.toString());
            return Faults.entity(new ApiException(503,
                    "The service is temporarily unavailable (database or message broker); try again later."));
        }
        LOG.error("unexpected error", e);
        return Faults.entity(new ApiException(500,
                "The server has either erred or is incapable of performing the requested operation."));
    }
}
