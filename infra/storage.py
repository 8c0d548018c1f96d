"""The poster bucket (private, encrypted, TLS only) served publicly through CloudFront with origin access control."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from filmhub.films.poster_keys import UNCONFIRMED_UPLOAD_DAYS, UPLOADS_PREFIX
from infra.config import StageConfig
from infra.nag import acknowledge


class Storage(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        # Dev stacks are disposable: empty the buckets on destroy.  Prod keeps them (and their posters).
        removal = RemovalPolicy.RETAIN if config.is_prod else RemovalPolicy.DESTROY
        auto_delete = not config.is_prod

        self.logs_bucket = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            # CloudFront standard logging writes with ACLs, so this bucket must accept object-writer ACLs.
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
            removal_policy=removal,
            auto_delete_objects=auto_delete,
        )

        self.posters_bucket = s3.Bucket(
            self,
            "Posters",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.logs_bucket,
            server_access_logs_prefix="s3/posters/",
            # Browsers upload posters straight to S3 with a presigned POST from the web app's origins.
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
                    allowed_origins=list(config.cors_origins),
                    allowed_headers=["*"],
                    exposed_headers=["ETag"],
                    max_age=3000,
                )
            ],
            # Direct uploads wait under uploads/ for /confirm to check their bytes; the unconfirmed ones expire.
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireUnconfirmedUploads",
                    prefix=UPLOADS_PREFIX,
                    expiration=Duration.days(UNCONFIRMED_UPLOAD_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(UNCONFIRMED_UPLOAD_DAYS),
                )
            ],
            removal_policy=removal,
            auto_delete_objects=auto_delete,
        )
        # CloudFront reads the bucket through origin access control, which grants it every object: an explicit
        # deny keeps unchecked uploads (an HTML file sent with the form's fields ...) from ever being served.
        self.posters_bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="NeverServeUnconfirmedUploads",
                effect=iam.Effect.DENY,
                principals=[iam.ServicePrincipal("cloudfront.amazonaws.com")],
                actions=["s3:GetObject"],
                resources=[self.posters_bucket.arn_for_objects(f"{UPLOADS_PREFIX}*")],
            )
        )

        self.distribution = cloudfront.Distribution(
            self,
            "PostersCdn",
            comment=f"FilmHub {config.stage} posters",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.posters_bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                # Posters are JPEG/PNG/WebP: already compressed.
                compress=False,
            ),
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_logging=True,
            log_bucket=self.logs_bucket,
            log_file_prefix="cloudfront/posters/",
        )
        acknowledge(
            self.distribution,
            "CFR1",
            "Posters are public film art for a worldwide audience; there is nothing to geo-restrict.",
        )
        acknowledge(
            self.distribution,
            "CFR2",
            "The CDN serves only static, public poster images (no application logic behind it); a WAF web ACL "
            "would cost more than the traffic it filters. The API itself is throttled at its stage.",
        )
        acknowledge(
            self.distribution,
            "CFR4",
            "The distribution uses the default *.cloudfront.net certificate, whose TLS policy CloudFront fixes; a "
            "custom domain with a TLSv1.2_2021 minimum is the upgrade path.",
        )
        #: Public base URL of the objects; a poster's URL is this + '/' + its key.
        self.base_url = f"https://{self.distribution.distribution_domain_name}"
