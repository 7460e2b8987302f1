"""gunicorn's settings for the clinic (`make serve`; docs/deployment.md): an access log that never holds a token.

The access line names the method and the path only: no query string (search terms are patients' names), no
Referer (it is the previous page's full address, a questionnaire link included), and the path's private-link
token replaced by `[token]` (ims_clinic.log_redaction, the filter Django's own loggers use).
"""

access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms "%(a)s"'

_PRIVATE_LINKS = ["private_links"]

# gunicorn applies this with logging.config.dictConfig, in place of its own logging set-up.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"private_links": {"()": "ims_clinic.log_redaction.RedactPrivateLinks"}},
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
        },
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "stream": "ext://sys.stderr",
            "filters": _PRIVATE_LINKS,
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
            "filters": _PRIVATE_LINKS,
        },
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {
            "level": "INFO",
            "handlers": ["error_console"],
            "propagate": False,
            "filters": _PRIVATE_LINKS,
        },
        "gunicorn.access": {
            "level": "INFO",
            "handlers": ["access_console"],
            "propagate": False,
            "filters": _PRIVATE_LINKS,
        },
    },
}
