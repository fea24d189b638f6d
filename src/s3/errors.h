// S3's error vocabulary (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html):
// the codes, HTTP statuses and default messages S3 sends, as irsa::Error values. The protocol
// layer renders them in S3's <Error> envelope (protocol/s3_xml.h), adding the elements S3 puts
// next to some codes (BucketName, Key, UploadId, ...) from the request it answers.
//
// NotModified (304) is an Error too: a conditional GET/HEAD that matched If-None-Match or failed
// If-Modified-Since ends the request without a body.
#pragma once

#include <string>

#include "base/error.h"

namespace irsa::s3::errors {

// 400.
Error InvalidBucketName(std::string message = {});
Error InvalidArgument(std::string message);
Error InvalidRequest(std::string message);
Error InvalidDigest(std::string message = {});
Error BadDigest(std::string message = {});
Error KeyTooLongError();
Error MetadataTooLarge(std::string message = {});
Error InvalidTag(std::string message);
Error MalformedXML(std::string message = {});
Error MalformedPolicy(std::string message);
Error EntityTooSmall();
Error EntityTooLarge(std::string message = {});
Error InvalidPart(std::string message = {});
Error InvalidPartOrder(std::string message = {});
Error IncompleteBody(std::string message = {});
Error InvalidChunkSizeError(std::string message = {});
Error XAmzContentSHA256Mismatch();
Error InvalidLocationConstraint(std::string message = {});
Error IllegalLocationConstraintException(std::string message);
Error TooManyBuckets(std::string message = {});
Error InvalidStorageClass(std::string message = {});
Error UnexpectedContent(std::string message = {});
// 403 (authorization is not decided here; this is for signature and payload failures).
Error SignatureDoesNotMatch(std::string message = {});
// 404.
Error NoSuchBucket(std::string message = {});
Error NoSuchKey(std::string message = {});
Error NoSuchUpload(std::string message = {});
Error NoSuchTagSet(std::string message = {});
Error NoSuchBucketPolicy(std::string message = {});
// 409.
Error BucketAlreadyExists(std::string message = {});
Error BucketAlreadyOwnedByYou(std::string message = {});
Error BucketNotEmpty(std::string message = {});
Error OperationAborted(std::string message = {});
// 304 / 411 / 412 / 416.
Error NotModified();
Error MissingContentLength();
Error PreconditionFailed(std::string condition);
Error InvalidRange();
// 5xx.
Error InternalError(std::string message = {});
Error NotImplemented(std::string message);

}  // namespace irsa::s3::errors
