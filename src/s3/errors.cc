#include "s3/errors.h"

#include <utility>

namespace irsa::s3::errors {
namespace {

Error Make(const char* code, int status, std::string message, const char* fallback) {
  return Error(code, status, message.empty() ? std::string(fallback) : std::move(message));
}

}  // namespace

Error InvalidBucketName(std::string message) {
  return Make("InvalidBucketName", 400, std::move(message), "The specified bucket is not valid.");
}
Error InvalidArgument(std::string message) {
  return Make("InvalidArgument", 400, std::move(message), "Invalid Argument");
}
Error InvalidRequest(std::string message) {
  return Make("InvalidRequest", 400, std::move(message), "Invalid Request");
}
Error InvalidDigest(std::string message) {
  return Make("InvalidDigest", 400, std::move(message),
              "The Content-MD5 you specified was invalid.");
}
Error BadDigest(std::string message) {
  return Make("BadDigest", 400, std::move(message),
              "The Content-MD5 you specified did not match what we received.");
}
Error KeyTooLongError() { return Error("KeyTooLongError", 400, "Your key is too long"); }
Error MetadataTooLarge(std::string message) {
  return Make("MetadataTooLarge", 400, std::move(message),
              "Your metadata headers exceed the maximum allowed metadata size.");
}
Error InvalidTag(std::string message) {
  return Make("InvalidTag", 400, std::move(message), "The TagSet is not valid.");
}
Error MalformedXML(std::string message) {
  return Make("MalformedXML", 400, std::move(message),
              "The XML you provided was not well-formed or did not validate against our "
              "published schema");
}
Error MalformedPolicy(std::string message) {
  return Make("MalformedPolicy", 400, std::move(message), "Policies must be valid JSON.");
}
Error EntityTooSmall() {
  return Error("EntityTooSmall", 400,
               "Your proposed upload is smaller than the minimum allowed object size.");
}
Error EntityTooLarge(std::string message) {
  return Make("EntityTooLarge", 400, std::move(message),
              "Your proposed upload exceeds the maximum allowed object size.");
}
Error InvalidPart(std::string message) {
  return Make("InvalidPart", 400, std::move(message),
              "One or more of the specified parts could not be found. The part may not have been "
              "uploaded, or the specified entity tag may not match the part's entity tag.");
}
Error InvalidPartOrder(std::string message) {
  return Make("InvalidPartOrder", 400, std::move(message),
              "The list of parts was not in ascending order. The parts list must be specified in "
              "order by part number.");
}
Error IncompleteBody(std::string message) {
  return Make("IncompleteBody", 400, std::move(message),
              "You did not provide the number of bytes specified by the Content-Length HTTP "
              "header.");
}
Error InvalidChunkSizeError(std::string message) {
  return Make("InvalidChunkSizeError", 400, std::move(message),
              "Only the last chunk is allowed to have a size less than 8192 bytes");
}
Error XAmzContentSHA256Mismatch() {
  return Error("XAmzContentSHA256Mismatch", 400,
               "The provided 'x-amz-content-sha256' header does not match what was computed.");
}
Error InvalidLocationConstraint(std::string message) {
  return Make("InvalidLocationConstraint", 400, std::move(message),
              "The specified location-constraint is not valid");
}
Error IllegalLocationConstraintException(std::string message) {
  return Error("IllegalLocationConstraintException", 400, std::move(message));
}
Error TooManyBuckets(std::string message) {
  return Make("TooManyBuckets", 400, std::move(message),
              "You have attempted to create more buckets than allowed");
}
Error InvalidStorageClass(std::string message) {
  return Make("InvalidStorageClass", 400, std::move(message),
              "The storage class you specified is not valid");
}
Error UnexpectedContent(std::string message) {
  return Make("UnexpectedContent", 400, std::move(message),
              "This request does not support content");
}
Error SignatureDoesNotMatch(std::string message) {
  return Make("SignatureDoesNotMatch", 403, std::move(message),
              "The request signature we calculated does not match the signature you provided. "
              "Check your key and signing method.");
}
Error NoSuchBucket(std::string message) {
  return Make("NoSuchBucket", 404, std::move(message), "The specified bucket does not exist");
}
Error NoSuchKey(std::string message) {
  return Make("NoSuchKey", 404, std::move(message), "The specified key does not exist.");
}
Error NoSuchUpload(std::string message) {
  return Make("NoSuchUpload", 404, std::move(message),
              "The specified upload does not exist. The upload ID may be invalid, or the upload "
              "may have been aborted or completed.");
}
Error NoSuchTagSet(std::string message) {
  return Make("NoSuchTagSet", 404, std::move(message), "The TagSet does not exist");
}
Error NoSuchBucketPolicy(std::string message) {
  return Make("NoSuchBucketPolicy", 404, std::move(message), "The bucket policy does not exist");
}
Error BucketAlreadyExists(std::string message) {
  return Make("BucketAlreadyExists", 409, std::move(message),
              "The requested bucket name is not available. The bucket namespace is shared by all "
              "users of the system. Please select a different name and try again.");
}
Error BucketAlreadyOwnedByYou(std::string message) {
  return Make("BucketAlreadyOwnedByYou", 409, std::move(message),
              "Your previous request to create the named bucket succeeded and you already own "
              "it.");
}
Error BucketNotEmpty(std::string message) {
  return Make("BucketNotEmpty", 409, std::move(message),
              "The bucket you tried to delete is not empty");
}
Error OperationAborted(std::string message) {
  return Make("OperationAborted", 409, std::move(message),
              "A conflicting conditional operation is currently in progress against this "
              "resource. Please try again.");
}
Error NotModified() { return Error("NotModified", 304, "Not Modified"); }
Error MissingContentLength() {
  return Error("MissingContentLength", 411, "You must provide the Content-Length HTTP header.");
}
Error PreconditionFailed(std::string condition) {
  return Error("PreconditionFailed", 412,
               "At least one of the pre-conditions you specified did not hold" +
                   (condition.empty() ? std::string() : " (" + condition + ")"));
}
Error InvalidRange() {
  return Error("InvalidRange", 416, "The requested range is not satisfiable");
}
Error InternalError(std::string message) {
  return Make("InternalError", 500, std::move(message),
              "We encountered an internal error. Please try again.");
}
Error NotImplemented(std::string message) {
  return Error("NotImplemented", 501, std::move(message));
}

}  // namespace irsa::s3::errors
