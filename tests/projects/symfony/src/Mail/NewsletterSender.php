<?php

namespace App\Mail;

use Symfony\Bridge\Twig\Mime\TemplatedEmail;
use Symfony\Component\Mailer\MailerInterface;

final class NewsletterSender
{
    public function __construct(private MailerInterface $mailer) {}

    public function sendMonthly(string $to, array $context): void
    {
        $this->mailer->send((new TemplatedEmail())
            ->to($to)
            ->subject('Quill & Ink: the November letter')
            ->htmlTemplate('emails/newsletter/monthly.html.twig')
            ->textTemplate('emails/newsletter/monthly.txt.twig')
            ->context($context));
    }
}
