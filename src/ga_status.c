/* ga_status.c - names of status codes and unavailability reasons. */
#include "config.h"

#include "ga_status.h"

static const char *const status_names[GA_STATUS_MAX] = {
    [GA_OK] = "ok",
    [GA_ERR_NOMEM] = "out of memory",
    [GA_ERR_CONFIG] = "configuration error",
    [GA_ERR_INTERNAL] = "internal error",
    [GA_ERR_CONV] = "conversation error",
    [GA_ERR_CANCELLED] = "cancelled by user",
    [GA_ERR_AUTH] = "authentication failed",
    [GA_ERR_INPUT] = "invalid input",
    [GA_ERR_WRONG_CODE] = "wrong code",
    [GA_ERR_EXPIRED] = "code expired",
    [GA_ERR_THROTTLED] = "throttled",
    [GA_ERR_REJECTED] = "rejected by GenAuth",
    [GA_ERR_MAXTRIES] = "too many attempts",
    [GA_ERR_UNAVAIL] = "GenAuth unavailable",
    [GA_ERR_NOT_FOUND] = "not found",
    [GA_ENROLLED] = "already enrolled",
    [GA_IGNORE] = "ignore",
    [GA_EXCLUDED] = "excluded by policy",
    [GA_POSTPONED] = "enrollment postponed",
    [GA_ERR_NONINTERACTIVE] = "non-interactive caller",
    [GA_ERR_NO_METHOD] = "no factor verifiable here",
};

static const char *const reason_names[GA_REASON_MAX] = {
    [GA_REASON_NONE] = "none",
    [GA_REASON_DNS] = "dns",
    [GA_REASON_REFUSED] = "connection refused",
    [GA_REASON_TIMEOUT] = "timeout",
    [GA_REASON_DEADLINE] = "total_timeout reached",
    [GA_REASON_TLS] = "tls",
    [GA_REASON_HTTP] = "http error",
    [GA_REASON_BAD_ANSWER] = "bad answer",
    [GA_REASON_SERVER] = "server error",
    [GA_REASON_APP_CRED] = "app credentials rejected",
    [GA_REASON_POOL_CRED] = "user pool credentials rejected",
    [GA_REASON_NETWORK] = "network error",
};

const char *ga_status_name(ga_status_t st)
{
    if ((unsigned)st >= GA_STATUS_MAX || !status_names[st])
        return "unknown status";
    return status_names[st];
}

const char *ga_reason_name(ga_reason_t r)
{
    if ((unsigned)r >= GA_REASON_MAX || !reason_names[r])
        return "unknown reason";
    return reason_names[r];
}
