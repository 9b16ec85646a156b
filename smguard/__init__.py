"""smguard: AWS Config rules and preventive controls for Amazon SageMaker on sensitive data."""

__version__ = "0.1.0"
