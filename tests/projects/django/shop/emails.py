"""Every email the shop sends: an HTML body rendered from templates/emails/<name>.html and,
where one exists, a plain-text alternative from templates/emails/<name>.txt."""

from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string


def send(name, to, subject, context):
    html = render_to_string(f"emails/{name}.html", context)
    try:
        text = render_to_string(f"emails/{name}.txt", context)
    except TemplateDoesNotExist:
        text = ""
    msg = EmailMultiAlternatives(subject, text, to=[to])
    msg.attach_alternative(html, "text/html")
    msg.send()
